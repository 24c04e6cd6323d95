"""The key's fingerprint (issue 20): stored with the data, compared by every command, never
the key. The wiring into kpb.duckdb, the manifest and each command is the lead's; these tests
hold the functions it calls to their promises."""

from __future__ import annotations

import hashlib
import hmac
import json
import os

import duckdb
import pytest
from click.testing import CliRunner

from kpb.cli import main
from kpb.errors import KpbError
from kpb.load.key_fingerprint import (FINGERPRINT_TEXT, check_fingerprint, check_project_key,
                                      check_same_key, checked_key, fingerprint, manifest_entry,
                                      manifest_fingerprint, project_fingerprint,
                                      store_fingerprint, stored_fingerprint)
from kpb.load.pseudonym import PseudonymKey, read_key

from builders import TEST_KEY, write_project

KEY = TEST_KEY.encode()
OTHER = bytes.fromhex("ab" * 32)


def test_the_fingerprint_is_an_hmac_of_a_fixed_text_never_the_key():
    print_ = fingerprint(KEY)
    assert print_ == hmac.new(KEY, FINGERPRINT_TEXT, hashlib.sha256).hexdigest()[:32]
    assert len(print_) == 32 and print_ != fingerprint(OTHER)
    assert KEY.hex() not in print_ and TEST_KEY not in print_
    # the fixed text is shaped like no id kpb hashes (digits, "hushall:…", "<column>:…")
    assert not FINGERPRINT_TEXT.decode().replace(" ", "").isdigit()
    assert ":" not in FINGERPRINT_TEXT.decode()


def test_the_same_key_passes_and_nothing_stored_passes():
    check_fingerprint(fingerprint(KEY), PseudonymKey(KEY, "nyckelfilen kpb.key"))
    check_fingerprint(None, PseudonymKey(OTHER, "nyckelfilen kpb.key"))


@pytest.mark.parametrize("source", ["nyckelfilen kpb.key", "miljövariabeln KPB_PSEUDONYM_NYCKEL"])
def test_another_key_is_refused_naming_its_source_and_the_way_to_start_over(source):
    with pytest.raises(KpbError) as raised:
        check_fingerprint(fingerprint(KEY), PseudonymKey(OTHER, source))
    message = str(raised.value.errors[0])
    assert message.startswith(f"kpb.duckdb: nyckeln från {source} är inte den som projektets "
                              "data lästes in med")
    assert "--ny-nyckel" in message and "återställ nyckelfilen" in message
    assert fingerprint(KEY) not in message and fingerprint(OTHER) not in message


def test_kpb_duckdb_holds_one_fingerprint_replaced_on_purpose(tmp_path):
    with duckdb.connect(str(tmp_path / "kpb.duckdb")) as con:
        assert stored_fingerprint(con) is None
        store_fingerprint(con, fingerprint(KEY))
        store_fingerprint(con, fingerprint(KEY))
        assert con.execute("SELECT count(*) FROM nyckelavtryck").fetchall() == [(1,)]
        assert stored_fingerprint(con) == fingerprint(KEY)
        store_fingerprint(con, fingerprint(OTHER))  # --ny-nyckel: the new print replaces it
        assert stored_fingerprint(con) == fingerprint(OTHER)
    raw = (tmp_path / "kpb.duckdb").read_bytes()
    assert KEY not in raw and OTHER not in raw and OTHER.hex().encode() not in raw


def test_a_project_loaded_with_one_key_refuses_another(tmp_path, monkeypatch):
    """The flow the lead wires: the first load stores the print, a later command checks it."""
    project = write_project(tmp_path)
    result = CliRunner().invoke(main, ["load", "2024", "-p", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    check_project_key(project, read_key(project))  # no print stored yet: passes
    with duckdb.connect(str(project.database)) as con:
        store_fingerprint(con, fingerprint(read_key(project).key))
    assert project_fingerprint(project) == fingerprint(KEY)
    check_project_key(project, read_key(project))
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", "ab" * 32)
    with pytest.raises(KpbError) as raised:
        check_project_key(project, read_key(project))
    assert "nyckeln från miljövariabeln KPB_PSEUDONYM_NYCKEL är inte den" in str(
        raised.value.errors[0])


def test_the_manifest_field_and_two_years_with_different_keys(tmp_path):
    for year, key in (("2023", KEY), ("2024", OTHER)):
        (tmp_path / year).mkdir()
        (tmp_path / year / "manifest.json").write_text(json.dumps(
            {"ar": int(year)} | manifest_entry(fingerprint(key))))
    assert manifest_fingerprint(tmp_path / "2023/manifest.json") == fingerprint(KEY)
    assert manifest_fingerprint(tmp_path / "saknas.json") is None
    names = ("ut/2023/manifest.json", "ut/2024/manifest.json")
    check_same_key(tmp_path / "2023/manifest.json", tmp_path / "2023/manifest.json", names)
    with pytest.raises(KpbError) as raised:
        check_same_key(tmp_path / "2023/manifest.json", tmp_path / "2024/manifest.json", names)
    assert str(raised.value.errors[0]).startswith(
        "ut/2024/manifest.json: resultaten beräknades med en annan pseudonymnyckel än "
        "ut/2023/manifest.json")


def test_checked_key_refuses_another_key_unless_starting_over(tmp_path, monkeypatch):
    project = write_project(tmp_path)
    assert checked_key(project).key == KEY  # no kpb.duckdb yet
    with duckdb.connect(str(project.database)) as con:
        store_fingerprint(con, fingerprint(KEY))
    assert checked_key(project) == (KEY, "miljövariabeln KPB_PSEUDONYM_NYCKEL")
    monkeypatch.delenv("KPB_PSEUDONYM_NYCKEL")
    (tmp_path / "kpb.key").write_text("ab" * 32 + "\n")
    os.chmod(tmp_path / "kpb.key", 0o600)
    with pytest.raises(KpbError) as raised:
        checked_key(project)
    assert str(raised.value.errors[0]).startswith(
        "kpb.duckdb: nyckeln från nyckelfilen kpb.key är inte den som projektets data lästes in "
        "med")
    assert checked_key(project, new_key=True).key == OTHER  # --ny-nyckel: on purpose


def test_a_load_with_another_key_is_refused_through_the_cli(tmp_path, monkeypatch):
    monkeypatch.delenv("KPB_PSEUDONYM_NYCKEL")
    write_project(tmp_path)
    load = lambda *extra: CliRunner().invoke(main, ["load", "2024", "-p", str(tmp_path), "-q",
                                                   *extra])
    assert load().exit_code == 0
    (tmp_path / "kpb.key").write_text("ab" * 32 + "\n")  # a wrong backup put back
    refused = load()
    assert refused.exit_code == 1, refused.output
    assert ("kpb.duckdb: nyckeln från nyckelfilen kpb.key är inte den som projektets data "
            "lästes in med") in refused.output and "--ny-nyckel" in refused.output
    assert load("--ny-nyckel").exit_code == 0
    assert load().exit_code == 0  # the new key's fingerprint is the project's now
