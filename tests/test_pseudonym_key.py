"""The pseudonym key: strong when kpb makes it, refused when weak, never silently replaced."""

import os
import stat

import pytest
from click.testing import CliRunner

from kpb.cli import main
from kpb.errors import KpbError
from kpb.load.pseudonym import load_key

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


def test_only_one_line_break_is_stripped_and_hex_is_decoded(tmp_path, no_env):
    project = write_project(tmp_path)
    write_key(tmp_path / "kpb.key", TEST_KEY.encode() + b"\n\n")
    assert load_key(project) == TEST_KEY.encode() + b"\n"
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
