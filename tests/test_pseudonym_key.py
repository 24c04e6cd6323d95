"""The pseudonym key: strong when kpb makes it, refused when weak, never silently replaced."""

import os
import stat

import pytest
from click.testing import CliRunner

from kpb.cli import main
from kpb.errors import KpbError
from kpb.load.pseudonym import load_key, read_key

from builders import TEST_KEY, write_project


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("KPB_PSEUDONYM_NYCKEL", raising=False)


def refused(project) -> str:
    with pytest.raises(KpbError) as raised:
        load_key(project)
    return "\n".join(str(p) for p in raised.value.problems)


def write_key(path, content: bytes, mode=0o600):
    path.write_bytes(content)
    os.chmod(path, mode)


def test_a_created_key_holds_32_random_bytes_as_hex_text(tmp_path, no_env):
    project = write_project(tmp_path)
    key = load_key(project)
    text = (tmp_path / "kpb.key").read_text()
    assert len(key) == 32 and text == key.hex() + "\n"
    assert stat.S_IMODE(os.stat(tmp_path / "kpb.key").st_mode) == 0o600


@pytest.mark.parametrize("content, expected", [
    (b"", "är tom"), (b"\n", "är tom"), (b"a", "för kort (1 byte)"),
    (b"testnyckel\n", "för kort (10 byte)"), (b"ab" * 15, "för kort (30 byte)")])
def test_a_short_or_empty_key_file_is_refused(tmp_path, no_env, content, expected):
    project = write_project(tmp_path)
    write_key(tmp_path / "kpb.key", content)
    message = refused(project)
    assert message.startswith("kpb.key: ") and expected in message and "token_hex" in message


@pytest.mark.parametrize("value, expected", [("", "är tom"), ("a", "för kort (1 byte)")])
def test_a_short_or_empty_variable_is_refused_not_passed_over(tmp_path, monkeypatch, value,
                                                               expected):
    project = write_project(tmp_path)
    write_key(tmp_path / "kpb.key", TEST_KEY.encode())  # an empty variable must not fall back
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", value)
    message = refused(project)
    assert message.startswith("KPB_PSEUDONYM_NYCKEL: ") and expected in message


def test_a_key_file_others_may_read_is_refused_with_chmod(tmp_path, no_env):
    project = write_project(tmp_path)
    write_key(tmp_path / "kpb.key", TEST_KEY.encode(), mode=0o644)
    message = refused(project)
    assert "kan läsas av andra (rättigheter 644)" in message and "chmod 600" in message


def test_nyckelfil_pointing_at_a_folder_is_an_error(tmp_path, no_env):
    project = write_project(tmp_path, '[pseudonym]\nnyckelfil = "hemligt"\n')
    (tmp_path / "hemligt").mkdir()
    assert "hemligt: är en mapp" in refused(project)


@pytest.mark.parametrize("ending", [b"", b"\n", b"\r\n"])
def test_file_and_variable_with_the_same_text_give_the_same_key(tmp_path, monkeypatch, ending):
    project = write_project(tmp_path)
    write_key(tmp_path / "kpb.key", TEST_KEY.encode() + ending)
    monkeypatch.delenv("KPB_PSEUDONYM_NYCKEL")
    from_file = load_key(project)
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY)
    assert from_file == load_key(project) == TEST_KEY.encode()


def test_only_one_line_break_is_allowed_and_hex_is_decoded(tmp_path, no_env):
    project = write_project(tmp_path)
    write_key(tmp_path / "kpb.key", TEST_KEY.encode() + b"\n\n")
    assert refused(project).startswith("kpb.key: nyckelfilen har en radbrytning (\\n) till sist")
    write_key(tmp_path / "kpb.key", b"ab" * 32 + b"\n")
    assert load_key(project) == bytes.fromhex("ab" * 32)


def test_a_binary_key_file_is_used_byte_for_byte(tmp_path, no_env):
    project = write_project(tmp_path)
    binary = bytes(range(200, 232)) + b"\n"  # not UTF-8: the newline is part of the key
    write_key(tmp_path / "kpb.key", binary)
    assert load_key(project) == binary


def test_a_lost_key_is_an_error_once_data_exists_and_a_flag_makes_a_new_one(tmp_path, no_env):
    write_project(tmp_path)
    run = lambda *extra: CliRunner().invoke(main, ["load", "2024", "-p", str(tmp_path), "-q",
                                                   *extra])
    first = run()
    assert first.exit_code == 0, first.output
    old_key = (tmp_path / "kpb.key").read_bytes()
    (tmp_path / "kpb.key").unlink()
    lost = run()
    assert lost.exit_code == 1 and "Traceback" not in lost.output
    assert "kpb.key: nyckelfilen saknas" in lost.output and "--ny-nyckel" in lost.output
    assert not (tmp_path / "kpb.key").exists()
    again = run("--ny-nyckel")
    assert again.exit_code == 0, again.output
    assert (tmp_path / "kpb.key").read_bytes() != old_key


def test_a_year_under_ut_counts_as_earlier_results(tmp_path, no_env):
    project = write_project(tmp_path)
    (tmp_path / "ut" / "2023").mkdir(parents=True)
    assert "nyckelfilen saknas" in refused(project)
    (tmp_path / "ut" / "2023").rmdir()
    (tmp_path / "ut" / ".2024.tmp-1").mkdir()  # a killed run's leftovers are no results
    assert len(load_key(project)) == 32


# -- issue 20: the key's text is exact, and two sources never disagree silently -------------

def run_load(project_dir, env: dict | None = None):
    return CliRunner().invoke(main, ["load", "2024", "-p", str(project_dir), "-q"],
                              env=env if env is not None else {})


@pytest.mark.parametrize("content, found", [
    (b"\xef\xbb\xbf" + TEST_KEY.encode() + b"\n", "börjar med ett byte order mark (BOM)"),
    (TEST_KEY.encode() + b" \n", "har ett mellanslag sist"),
    (TEST_KEY.encode() + b" ", "har ett mellanslag sist"),
    (TEST_KEY.encode() + b"\n\n", "har en radbrytning (\\n) till sist"),
    (TEST_KEY.encode() + b"\r\n\r\n", "har en radbrytning (\\r) sist"),
    (TEST_KEY.encode() + b"\t\n", "har en tabb sist"),
    (b" " + TEST_KEY.encode(), "har ett mellanslag först"),
    (TEST_KEY[:10].encode() + b" " + TEST_KEY[10:].encode(), "har ett mellanslag efter 10 tecken"),
    (TEST_KEY.encode() + "\u00a0".encode(), "har ett blanktecken (U+00A0) sist")])
def test_a_key_file_with_other_bytes_than_the_key_is_refused_through_the_cli(
        tmp_path, no_env, content, found):
    write_project(tmp_path)
    write_key(tmp_path / "kpb.key", content)
    result = run_load(tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"kpb.key: nyckelfilen {found}: väntade nyckelns tecken" in result.output or (
        "BOM" in found and f"kpb.key: nyckelfilen {found}" in result.output), result.output
    assert not (tmp_path / "kpb.duckdb").exists()


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_one_final_line_break_is_allowed_in_the_key_file(tmp_path, no_env, ending):
    project = write_project(tmp_path)
    write_key(tmp_path / "kpb.key", TEST_KEY.encode() + ending)
    assert load_key(project) == TEST_KEY.encode()


def test_a_variable_with_a_trailing_space_is_refused(tmp_path, monkeypatch):
    project = write_project(tmp_path)
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY + " ")
    assert refused(project).startswith("KPB_PSEUDONYM_NYCKEL: miljövariabeln har ett "
                                       "mellanslag sist")


def test_a_variable_and_a_key_file_that_disagree_are_an_error_through_the_cli(tmp_path, no_env):
    write_project(tmp_path)
    write_key(tmp_path / "kpb.key", b"ab" * 32 + b"\n")
    result = run_load(tmp_path, {"KPB_PSEUDONYM_NYCKEL": TEST_KEY})
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert ("KPB_PSEUDONYM_NYCKEL: miljövariabeln KPB_PSEUDONYM_NYCKEL och nyckelfilen kpb.key "
            "har olika nycklar") in result.output
    agreeing = run_load(tmp_path, {"KPB_PSEUDONYM_NYCKEL": "ab" * 32})
    assert agreeing.exit_code == 0, agreeing.output


def test_read_key_says_where_the_key_came_from(tmp_path, monkeypatch):
    project = write_project(tmp_path)
    assert read_key(project).source == "miljövariabeln KPB_PSEUDONYM_NYCKEL"
    write_key(tmp_path / "kpb.key", TEST_KEY.encode() + b"\n")
    assert read_key(project).source == ("miljövariabeln KPB_PSEUDONYM_NYCKEL (samma nyckel som "
                                        "i nyckelfilen kpb.key)")
    monkeypatch.delenv("KPB_PSEUDONYM_NYCKEL")
    assert read_key(project) == (TEST_KEY.encode(), "nyckelfilen kpb.key")


def test_a_dangling_link_or_a_device_as_key_file_is_named(tmp_path, no_env):
    project = write_project(tmp_path)
    (tmp_path / "kpb.key").symlink_to(tmp_path / "borta.key")
    assert refused(project).startswith("kpb.key: nyckelfilen kunde inte läsas")
    (tmp_path / "kpb.key").unlink()
    (tmp_path / "kpb.key").symlink_to("/dev/null")
    assert refused(project).startswith("kpb.key: nyckelfilen är ingen vanlig fil")
