"""Every entry of a source folder is read, skipped with a note, or named in an error."""

import os

import pytest

from kpb.errors import KpbError
from kpb.load import load_year

from builders import write_project

LEDGER = "period;konto;belopp\n202401;5010;100\n"
OTHER = "period;konto;belopp\n202402;5010;250\n"


def errors_of(project) -> list[str]:
    with pytest.raises(KpbError) as raised:
        load_year(project, 2024)
    return [str(p) for p in raised.value.errors]


def test_unknown_extension_is_an_error_naming_the_file(tmp_path):
    project = write_project(tmp_path, **{"ledger/hb.csv": LEDGER, "ledger/hb2.txt": OTHER})
    assert errors_of(project) == [
        "data/2024/ledger/hb2.txt: okänd filtyp, filen lästes inte: väntade *.csv, *.xlsx, "
        "*.se, *.si (flytta bort filen om den inte hör hit)"]


def test_a_folder_named_like_a_file_is_an_error(tmp_path):
    project = write_project(tmp_path, **{"aktivitet/sabo.csv/del1.csv": "person;insats\n"})
    [message] = errors_of(project)
    assert message.startswith("data/2024/aktivitet/sabo.csv: är en mapp: väntade en fil")


def test_a_broken_link_and_a_link_loop_are_errors(tmp_path):
    project = write_project(tmp_path)
    ledger = tmp_path / "data/2024/ledger"
    os.symlink(tmp_path / "finns-inte.csv", ledger / "borta.csv")
    os.symlink(ledger / "b.csv", ledger / "a.csv")
    os.symlink(ledger / "a.csv", ledger / "b.csv")
    messages = errors_of(project)
    assert [m.split(":")[0] for m in messages] == [
        "data/2024/ledger/a.csv", "data/2024/ledger/b.csv", "data/2024/ledger/borta.csv"]
    assert all("länken leder ingenstans" in m for m in messages)


def test_a_file_that_cannot_be_read_is_an_error_not_a_traceback(tmp_path, monkeypatch):
    import kpb.load.folder
    project = write_project(tmp_path)

    def denied(path, *args):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(kpb.load.folder, "read_csv", denied)  # root reads any file, so simulate it
    assert errors_of(project) == [
        "data/2024/ledger/hb.csv: filen kunde inte läsas (Permission denied)"]


def test_hidden_files_and_editor_backups_are_skipped_with_a_warning(tmp_path):
    project = write_project(tmp_path, **{
        "ledger/hb.csv": LEDGER, "ledger/.hb.csv": OTHER, "ledger/hb.csv~": OTHER,
        "ledger/hb.csv.bak": OTHER, "ledger/~$hb.xlsx": b"lock", "ledger/.~lock.hb.csv#": b""})
    loaded = load_year(project, 2024)
    assert loaded.ledger["belopp_ore"].to_list() == [10000]
    assert sorted(str(w) for w in loaded.warnings) == [
        "data/2024/ledger/.hb.csv: varning: dold fil, hoppades över",
        "data/2024/ledger/.~lock.hb.csv#: varning: låsfil från ett kalkylprogram, hoppades över",
        "data/2024/ledger/hb.csv.bak: varning: säkerhetskopia eller tillfällig fil, hoppades över",
        "data/2024/ledger/hb.csv~: varning: säkerhetskopia eller tillfällig fil, hoppades över",
        "data/2024/ledger/~$hb.xlsx: varning: låsfil från ett kalkylprogram, hoppades över"]


def test_the_same_export_saved_twice_is_an_error(tmp_path):
    project = write_project(tmp_path, **{"ledger/hb.csv": LEDGER, "ledger/hb (1).csv": LEDGER,
                                         "ledger/feb.csv": OTHER})
    assert errors_of(project) == [
        "data/2024/ledger/hb.csv: har samma innehåll som data/2024/ledger/hb (1).csv (samma "
        "SHA-256): väntade varje export en gång, ta bort den ena filen"]


def test_a_header_only_ledger_is_an_error(tmp_path):
    project = write_project(tmp_path, **{"ledger/hb.csv": "period;konto;belopp\n"})
    assert errors_of(project) == ["data/2024/ledger/hb.csv: filen har inga rader efter "
                                  "rubrikraden: väntade huvudbokens rader"]


def test_a_ledger_folder_whose_only_file_is_unreadable_is_an_error(tmp_path):
    project = write_project(tmp_path, **{"ledger/hb.csv": "period;konto;belopp\n"})
    (tmp_path / "data/2024/ledger/hb.csv").unlink()
    os.symlink(tmp_path / "saknas.csv", tmp_path / "data/2024/ledger/hb.csv")
    [message] = errors_of(project)
    assert message.startswith("data/2024/ledger/hb.csv: länken leder ingenstans")


def test_a_source_folder_that_cannot_be_listed_is_an_error(tmp_path, monkeypatch):
    from pathlib import Path
    project = write_project(tmp_path, **{"aktivitet/a.csv": "person;insats;from\n"})
    listing = Path.iterdir

    def denied(folder):
        if folder.name == "aktivitet":
            raise PermissionError(13, "Permission denied", str(folder))
        return listing(folder)
    monkeypatch.setattr(Path, "iterdir", denied)  # root lists any folder, so simulate it
    assert errors_of(project) == [
        "data/2024/aktivitet: mappen kunde inte läsas (Permission denied): väntade en läsbar mapp"]
