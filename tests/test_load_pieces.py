"""A CSV export read in pieces (kpb/load/csvpieces.py) reads as the same file read whole.

Big exports are cut into pieces of at most PIECE_BYTES so the load's memory does not grow with
the city; the tests make the pieces a few kilobytes, so the bundled example and small hostile
files are cut in many places: between rows, next to quoted line breaks, inside runs of bad
values. Rows, line numbers, SHA-256, problems (capped per column over the whole file) and the
outputs of `kpb compute` must not depend on where the cuts fall.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpb.load.csvpieces as csvpieces
from kpb.cli import main
from kpb.errors import KpbError
from kpb.load import height, load_year
from kpb.load.pseudonym import person_id
from kpb.load.spill import FOLDER, Spill

from builders import TEST_KEY, copy_fixture, write_project

FIXTURES = Path(__file__).parents[1] / "fixtures"
PIECES = settings(max_examples=25, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADER = "Personnummer;Insats;Från;Till;Timmar;Antal;Utförare;Hushåll\r\n"
MAPPED = ('[kalla.aktivitet]\nkolumner = { person = "Personnummer", insats = "Insats", '
          'from = "Från", tom = "Till", timmar = "Timmar", antal = "Antal", '
          'utforare = "Utförare", hushall = "Hushåll" }\n')


def hostile_aktivitet(rows: int = 400) -> bytes:
    """A Windows-1252 hemtjänst export with what real ones hold: decimal commas, CRLF, a
    quoted utförare with a line break and a separator in it, blank lines, more bad dates and
    more personnummer-as-utförare than one column reports one by one, and a short line."""
    lines = [HEADER]
    for i in range(rows):
        person = "19581088-8239" if i % 3 else "20121212-1212"
        date = f"2024-03-{1 + i % 28:02d}" if i % 7 else "2024-13-01"  # month 13: an error
        utforare = '"Hemtjänst\r\nNorr; öst"' if i % 11 == 0 else "Hemtjänst Söder"
        if i % 5 == 0:
            utforare = "640823-3234"  # a sole trader's personnummer
        lines.append(f"{person};hemtjanst;{date};{date};0,{1 + i % 9};;{utforare};\r\n")
        if i % 50 == 0:
            lines.append(";;;;;;;\r\n")  # a blank row
    lines.append("19581088-8239;hemtjanst;2024-03-01\r\n")  # too few fields
    return "".join(lines).encode("cp1252")


def loaded_or_problems(project):
    try:
        loaded = load_year(project, 2024)
    except KpbError as failure:
        return None, [str(p) for p in failure.problems]
    try:
        aktivitet = loaded.aktivitet.lazy().collect()
        return (aktivitet, loaded.person, loaded.files, [str(p) for p in loaded.warnings]), None
    finally:
        loaded.close()


def test_hostile_file_cut_anywhere_reports_as_whole(tmp_path, monkeypatch):
    project = write_project(tmp_path, MAPPED, **{"aktivitet/hemtjanst.csv": hostile_aktivitet()})
    _, whole = loaded_or_problems(project)
    assert any("2024-13-01" in p for p in whole)
    assert any("fler rader" in p for p in whole)  # capped: the file has more than 50
    assert any("640823-****" in p for p in whole)
    assert any("fält" in p for p in whole)  # the short line
    for size in (200, 700, 1999, 5000):
        monkeypatch.setattr(csvpieces, "PIECE_BYTES", size)
        _, pieced = loaded_or_problems(project)
        assert pieced == whole, size
        assert not (tmp_path / FOLDER).exists()  # a failed load leaves no spilled files


def plain_aktivitet(rows: int = 400) -> bytes:
    """The same as UTF-8 without quotes: Polars parses it from disk in batches."""
    lines = [HEADER]
    for i in range(rows):
        date = f"2024-03-{1 + i % 28:02d}" if i % 7 else "2024-13-01"
        utforare = "640823-3234" if i % 5 == 0 else "Hemtjänst Söder"
        lines.append(f"19581088-8239;hemtjanst;{date};{date};0,{1 + i % 9};;{utforare};\r\n")
        if i % 50 == 0:
            lines.append(";;;;;;;\r\n")
        if i % 90 == 0:
            lines.append("19581088-8239;hemtjanst;2024-03-01\r\n")  # too few fields
    return "".join(lines).encode("utf-8")


def test_plain_file_from_disk_cut_anywhere_reports_as_whole(tmp_path, monkeypatch):
    project = write_project(tmp_path, MAPPED, **{"aktivitet/hemtjanst.csv": plain_aktivitet()})
    path = tmp_path / "data" / "2024" / "aktivitet" / "hemtjanst.csv"
    head = path.read_bytes()[:2**16]
    assert csvpieces._plain(path, project.source("aktivitet"), head) is not None  # disk path
    _, whole = loaded_or_problems(project)
    assert sum("fält" in p for p in whole) == 5 and any("fler rader" in p for p in whole)
    for size in (300, 2000, 9000):
        monkeypatch.setattr(csvpieces, "PIECE_BYTES", size)
        _, pieced = loaded_or_problems(project)
        assert pieced == whole, size


def test_plain_file_with_too_many_fields_names_the_lines(tmp_path, monkeypatch):
    text = plain_aktivitet(200).replace(b"0,5;;H", b"0,5;;extra;H", 1)
    project = write_project(tmp_path, MAPPED, **{"aktivitet/hemtjanst.csv": text})
    _, whole = loaded_or_problems(project)
    assert any("fann 9 fält, väntade 8" in p for p in whole)
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", 1000)
    _, pieced = loaded_or_problems(project)
    # the lines before the broken one were typed already: their problems come too
    assert set(whole) <= set(pieced)


@PIECES
@given(size=st.integers(min_value=64, max_value=4000), rows=st.integers(1, 120))
def test_valid_file_cut_anywhere_loads_the_same_rows(tmp_path, monkeypatch, size, rows):
    text = "".join([HEADER] + [
        f"19581088-8239;hemtjanst;2024-03-{1 + i % 28:02d};;{i % 9},5;;"
        + ('"Hemtjänst\r\nNorr"' if i % 4 == 0 else "Hemtjänst Söder") + ";\r\n"
        for i in range(rows)]).encode("cp1252")
    project = write_project(tmp_path, MAPPED, **{"aktivitet/hemtjanst.csv": text})
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", 10**9)
    whole, _ = loaded_or_problems(project)
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", size)
    pieced, _ = loaded_or_problems(project)
    assert whole is not None and pieced is not None
    assert pieced[0].equals(whole[0])  # every value and line number
    assert pieced[1].equals(whole[1])
    assert pieced[2].equals(whole[2])  # rows and SHA-256 per file
    assert pieced[3] == whole[3]


def test_a_later_piece_in_windows_1252_reads_the_file_as_windows_1252(tmp_path, monkeypatch):
    """The first piece is plain ASCII, a later one holds ö in Windows-1252: as read whole, the
    file is Windows-1252 (the load starts it again)."""
    rows = [f"19581088-8239;hemtjanst;2024-03-01;;1;;Norr {i};\n" for i in range(60)]
    rows[50] = "19581088-8239;hemtjanst;2024-03-01;;1;;Hemtjänst Söder;\n"
    text = ("person;insats;from;tom;timmar;antal;utforare;hushall\n" + "".join(rows)
            ).encode("cp1252")
    project = write_project(tmp_path, **{"aktivitet/a.csv": text})
    whole, _ = loaded_or_problems(project)
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", 400)
    pieced, _ = loaded_or_problems(project)
    assert "Hemtjänst Söder" in pieced[0]["utforare"].cast(pl.Utf8).to_list()
    assert pieced[0].equals(whole[0])
    kodning = [files.filter(pl.col("kalla") == "aktivitet")["kodning"].to_list()
               for files in (pieced[2], whole[2])]
    assert kodning == [["cp1252"], ["cp1252"]]


def test_a_file_with_byte_order_mark_is_read_whole(tmp_path, monkeypatch):
    rows = "".join(f"19581088-8239;hemtjanst;2024-03-{1 + i % 28:02d};;1;;Söder;\n"
                   for i in range(80))
    text = b"\xef\xbb\xbf" + ("person;insats;from;tom;timmar;antal;utforare;hushall\n"
                              + rows).encode("utf-8")
    project = write_project(tmp_path, **{"aktivitet/a.csv": text})
    whole, _ = loaded_or_problems(project)
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", 300)
    pieced, _ = loaded_or_problems(project)
    assert pieced[0].equals(whole[0])
    assert pieced[2].equals(whole[2])


def test_stale_spill_of_a_dead_process_is_removed(tmp_path, monkeypatch):
    project = write_project(tmp_path, MAPPED, **{"aktivitet/hemtjanst.csv": hostile_aktivitet(30)
                                         .replace(b"2024-13-01", b"2024-03-01")
                                         .replace(b"640823-3234", b"Norr")
                                         .rsplit(b"19581088-8239;hemtjanst;2024-03-01\r\n", 1)[0]})
    dead = tmp_path / FOLDER / "999999999-deadbeef"  # no such pid
    dead.mkdir(parents=True)
    (dead / "aktivitet-00000.parquet").write_bytes(b"left by a killed run")
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", 500)
    loaded = load_year(project, 2024)
    try:
        assert person_id.cache_info().currsize == 0  # no personnummer table outlives the load
        assert not dead.exists()
        spilled = loaded.spilled("aktivitet")
        assert len(spilled) > 1 and all(path.is_file() for path in spilled)
        assert height(loaded.aktivitet) == 30
    finally:
        loaded.close()
    assert not (tmp_path / FOLDER).exists()


def run(*args: str):
    return CliRunner().invoke(main, list(args), env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})


@pytest.mark.parametrize("piece", [16_000])
def test_compute_in_pieces_writes_the_same_outputs(tmp_path, monkeypatch, piece):
    """exempelkommun (Windows-1252 with CRLF, UTF-8, a BOM) computed with its exports cut in
    pieces: every output file and every stored table as when read whole."""
    runs = {}
    for name, size in (("whole", 10**9), ("pieces", piece)):
        target = tmp_path / name
        copy_fixture(FIXTURES / "exempelkommun", target)
        monkeypatch.setattr(csvpieces, "PIECE_BYTES", size)
        result = run("compute", "2024", "--project", str(target))
        assert result.exit_code == 0, result.output
        assert not (target / FOLDER).exists()
        runs[name] = target
    out = {name: runs[name] / "ut" / "2024" for name in runs}
    names = sorted(p.name for p in out["whole"].glob("*.parquet"))
    assert names and names == sorted(p.name for p in out["pieces"].glob("*.parquet"))
    for name in names:
        assert (out["whole"] / name).read_bytes() == (out["pieces"] / name).read_bytes(), name
    for table in ("aktivitet", "person", "inlast_fil", "direkt", "ledger"):
        tables = []
        for name in runs:
            with duckdb.connect(str(runs[name] / "kpb.duckdb"), read_only=True) as con:
                tables.append(con.sql(f"SELECT * FROM {table} ORDER BY ALL").pl())
        assert tables[0].equals(tables[1]), table
    big = [f for f in (FIXTURES / "exempelkommun" / "data" / "2024").rglob("*.csv")
           if f.stat().st_size > piece]
    assert big, "the test must cut at least one export"
    assert os.path.getsize(big[0]) > piece


def test_any_command_removes_what_a_killed_run_spilled(tmp_path):
    project = tmp_path / "lillby"
    copy_fixture(FIXTURES / "lillby", project)
    dead = project / FOLDER / "999999999-deadbeef"
    dead.mkdir(parents=True)
    (dead / "aktivitet-00000.parquet").write_bytes(b"left by a killed run")
    alive = project / FOLDER / f"{os.getpid()}-0a1b2c3d"  # a live run's: kept
    alive.mkdir()
    result = run("load", "2024", "--project", str(project))
    assert result.exit_code == 0, result.output
    assert not dead.exists() and alive.is_dir()


H = b"person;insats;from;tom;timmar;antal;utforare;hushall\n"


def row(utforare: bytes = b"Norr", date: bytes = b"2024-03-01") -> bytes:
    return b"19581088-8239;hemtjanst;%s;;1,5;;%s;\n" % (date, utforare)


SHORT = b"19581088-8239;hemtjanst;2024-03-01\n"
LONG = b"19581088-8239;hemtjanst;2024-03-01;;1;;N;;extra\n"
# Files once read differently in pieces: (name, files, kpb.toml, piece sizes)
CASES = [
    ("quoted line break in a header", {"aktivitet/a.csv": b'person;insats;from;tom;timmar;'
     b'antal;utforare;"hus\nhall"\n' + row() * 20}, "", (300,)),
    ("only blank lines", {"aktivitet/a.csv": b"\n" * 400}, "", (100,)),
    ("only white space", {"aktivitet/a.csv": b"  \r\n" * 400}, "", (100,)),
    ("a ledger without rows", {"ledger/hb.csv": b"period;konto;belopp\n" + b";;\n" * 50}, "",
     (64,)),
    ("short and long lines, plain", {"aktivitet/a.csv": H + row() * 2 + SHORT + row() * 3000
                                     + LONG}, "", (20_000,)),
    ("undefined Windows-1252 bytes", {"aktivitet/a.csv": H + row(b"S\xf6der\x81") + row() * 20
                                      + row(b"N\x81")}, "", (300,)),
    ("not UTF-8 though kodning says so", {"aktivitet/a.csv": H + row(date=b"2024-13-01")
                                          + row() * 20 + row(b"S\xf6der") + row() * 20
                                          + row(b"S\xf6der")},
     '[kalla.aktivitet]\nkodning = "utf-8"\n', (300,)),
    ("more short lines than shown", {"aktivitet/a.csv": H + (row(b"S\xf6der") * 3 + SHORT) * 25},
     "", (300,)),
    ("an undefined byte in the header", {"aktivitet/a.csv": H[:-1] + b";Anteckning\x81\n"
     + b"19581088-8239;hemtjanst;2024-03-01;;1,5;;S\xf6der;;x\n" * 20}, "", (400,)),
    ("a header of patterns", {"aktivitet/a.csv": H[:-1] + b";*\n" + row(b"S\xf6der")[:-1]
                              * 1 + b";x\n" + (row(b"S\xf6der")[:-1] + b";x\n") * 30},
     "", (200,)),
    ("two same files with a wrong column", {
        "aktivitet/a.csv": H.replace(b"insats", b"insatz") + row() * 20,
        "aktivitet/b.csv": H.replace(b"insats", b"insatz") + row() * 20}, "", (300,)),
    ("two same files refused", {"aktivitet/a.csv": H + row(b'"N"x') + row() * 20,
                                "aktivitet/b.csv": H + row(b'"N"x') + row() * 20}, "", (300,)),
    ("an inch mark before a quoted line break", {
        "aktivitet/a.csv": H + row() * 3 + row(b'Rum 5" Norr') + row() * 5
        + row(b'"Hem\nNorr"') + row() * 10}, "", (300,)),
]


@pytest.mark.parametrize("name,files,toml,sizes", CASES, ids=[c[0] for c in CASES])
def test_hostile_cases_read_in_pieces_as_whole(tmp_path, monkeypatch, name, files, toml,
                                                sizes):
    project = write_project(tmp_path, toml, **files)
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", 10**9)
    whole = loaded_or_problems(project)
    for size in sizes:
        monkeypatch.setattr(csvpieces, "PIECE_BYTES", size)
        pieced = loaded_or_problems(project)
        if whole[0] is None:
            assert pieced[0] is None and pieced[1] == whole[1], size
        else:
            assert pieced[1] is None
            for got, expected in zip(pieced[0], whole[0]):
                assert got == expected if isinstance(got, list) else got.equals(expected)
        assert not (tmp_path / FOLDER).exists()


def test_check_through_cli_reports_a_big_file_as_whole(tmp_path, monkeypatch):
    """`kpb check` on an export read in pieces: the same located errors as read whole, exit
    code 1, and nothing spilled left behind."""
    outputs = {}
    for name, size in (("whole", 10**9), ("pieces", 900)):
        target = tmp_path / name
        target.mkdir()
        write_project(target, MAPPED, **{"aktivitet/hemtjanst.csv": hostile_aktivitet()})
        monkeypatch.setattr(csvpieces, "PIECE_BYTES", size)
        result = run("check", "2024", "--project", str(target))
        assert result.exit_code == 1, result.output
        assert "hemtjanst.csv:" in result.output and "640823-****" in result.output
        assert "3234" not in result.output  # the personnummer is masked
        assert not (target / FOLDER).exists()
        outputs[name] = [line for line in result.output.splitlines()
                         if "hemtjanst.csv" in line and "rader inlästa" not in line]
    assert outputs["pieces"] == outputs["whole"]


def test_rows_holding_a_personnummer_are_never_spilled(tmp_path, monkeypatch):
    """A personnummer as utförare fails the load; the pieces from it on are not written to
    the spill folder, not even for the moment before the folder is removed."""
    text = H + row() * 200 + row(b"640823-3234") + row() * 200
    project = write_project(tmp_path, **{"aktivitet/a.csv": text})
    written = []
    original = Spill.write

    def recorded(self, source, frame):
        written.append(frame)
        return original(self, source, frame)

    monkeypatch.setattr(Spill, "write", recorded)
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", 1500)
    _, problems = loaded_or_problems(project)
    assert any("640823-****" in p for p in problems)
    assert written, "the clean pieces before it were spilled"
    for frame in written:
        for column in frame.columns:
            assert not frame[column].cast(pl.Utf8).str.contains("3234").any(), column
    assert not (tmp_path / FOLDER).exists()
