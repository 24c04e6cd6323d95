"""Unchanged inputs are reused from `.kpb-cache/` (kpb/load/cache.py) and not stored again:
a reused run writes the bytes of a full run; one changed input byte, the key, the mapping in
kpb.toml or kpb's version reloads what it touches, and only that; a damaged cache entry is
rebuilt, never trusted. Through the CLI on copies of fixtures/exempelkommun."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import kpb.load.cache as cache
import kpb.load.database as database
from kpb.cli import main

from builders import TEST_KEY

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "exempelkommun"
SOURCES = ("ledger", "aktivitet", "direkt", "nycklar", "utfall")
TABLES = ("ledger", "aktivitet", "direkt", "nycklar", "utfall", "person", "inlast_fil")
OTHER_KEY = "b" * 64


def copy(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("ut", "kpb.duckdb*", "kpb.key"))
    # a backup beside the exports: a warning a reused source must report as a fresh one
    (root / "data" / "2024" / "aktivitet" / "vuxna_2024.csv.bak").write_text("gammal")
    return root


@pytest.fixture
def stored(monkeypatch) -> list[str]:
    """The tables each store replaced (the others kpb.duckdb held already)."""
    replaced: list[str] = []
    original = database._store_table

    def recording(con, table, *args):
        replaced.append(table)
        return original(con, table, *args)

    monkeypatch.setattr(database, "_store_table", recording)
    return replaced


def run(project: Path, command: str = "compute", *extra: str, key: str = TEST_KEY):
    result = CliRunner().invoke(main, [command, "2024", "--project", str(project), *extra],
                                env={"KPB_PSEUDONYM_NYCKEL": key})
    assert result.exit_code == 0, result.output
    return result.output


def reused(output: str) -> set[str]:
    return {source for source in SOURCES if f"återanvände {source} (" in output}


def outputs(project: Path) -> dict:
    """Every Parquet file of ut/2024 as bytes and every loaded table of kpb.duckdb as rows."""
    found = {path.name: path.read_bytes()
             for path in sorted((project / "ut" / "2024").glob("*.parquet"))}
    assert found
    with duckdb.connect(str(project / "kpb.duckdb"), read_only=True) as con:
        for table in TABLES:
            found[table] = con.sql(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
    return found


def warnings(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if "varning:" in line)


def test_a_reused_run_writes_the_outputs_of_a_full_run(tmp_path, stored):
    full, again = copy(tmp_path, "full"), copy(tmp_path, "again")
    first = run(full)
    assert reused(first) == set()
    assert {p.name for p in (full / ".kpb-cache" / "2024").glob("*.json")} == {
        f"{s}.json" for s in SOURCES}
    run(again)
    stored.clear()
    second = run(again)
    assert "återanvände aktivitet (8 filer, oförändrade)" in second
    assert "återanvände nycklar (1 fil, oförändrad)" in second
    assert reused(second) == set(SOURCES)
    assert stored == []  # kpb.duckdb holds these rows already: nothing is stored again
    assert outputs(again) == outputs(full)
    assert warnings(second) == warnings(first) and "vuxna_2024.csv.bak" in "".join(
        warnings(second))
    assert not list((again / ".kpb-cache").rglob(f"*{cache.TMP}*"))


@pytest.mark.parametrize("source,file", [
    ("direkt", "hvb_fakturor_2024.csv"),
    ("aktivitet", "hemtjanst_besok_2024.csv"),
    ("nycklar", "lokalyta.csv"),
])
def test_one_changed_byte_reloads_only_its_source(tmp_path, stored, source, file):
    project, full = copy(tmp_path, "project"), copy(tmp_path, "full")
    run(project)
    for root in (project, full):
        path = root / "data" / "2024" / source / file
        data = bytearray(path.read_bytes())
        at = data.rindex(b"0")  # a digit of the last values: still a valid value
        data[at:at + 1] = b"1"
        path.write_bytes(bytes(data))
    stored.clear()
    output = run(project)
    assert reused(output) == set(SOURCES) - {source}
    assert sorted(stored) == sorted([source, "person", "inlast_fil"])
    run(full)
    assert outputs(project) == outputs(full)


def test_a_touched_file_is_hashed_and_reused(tmp_path, stored):
    project = copy(tmp_path, "project")
    run(project)
    path = project / "data" / "2024" / "ledger" / "huvudbok_2024_ifo_ami.csv"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    stored.clear()
    assert reused(run(project)) == set(SOURCES)
    assert stored == []


def test_a_new_file_in_a_source_reloads_it(tmp_path):
    project = copy(tmp_path, "project")
    run(project)
    (project / "data" / "2024" / "direkt" / ".dold").write_text("x")  # a warning now
    output = run(project)
    assert reused(output) == set(SOURCES) - {"direkt"}
    assert "direkt/.dold: varning: dold fil, hoppades över" in output


def test_another_key_reloads_everything(tmp_path, stored):
    project = copy(tmp_path, "project")
    run(project)
    (project / "kpb.duckdb").unlink()  # nothing stored to refuse the other key
    stored.clear()
    assert reused(run(project, key=OTHER_KEY)) == set()
    assert sorted(stored) == sorted(TABLES)
    with_new_key = run(project, "compute", "--ny-nyckel", key=TEST_KEY)
    assert reused(with_new_key) == set()  # --ny-nyckel starts over: nothing reused


def test_the_mapping_of_a_source_reloads_it_and_the_pseudonym_settings_all(tmp_path):
    project = copy(tmp_path, "project")
    run(project)
    settings = project / "kpb.toml"
    settings.write_text(settings.read_text(encoding="utf-8")
                        + '\n[kalla.nycklar]\npseudonymisera = ["mottagare"]\n',
                        encoding="utf-8")
    assert reused(run(project)) == set(SOURCES) - {"nycklar"}
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('ogiltigt_id = "fel"', 'ogiltigt_id = "varning"'),
                        encoding="utf-8")
    assert reused(run(project)) == set()


def test_another_kpb_version_reloads_everything(tmp_path, monkeypatch):
    project = copy(tmp_path, "project")
    run(project)
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    assert reused(run(project)) == set()
    assert reused(run(project)) == set(SOURCES)


@pytest.mark.parametrize("damage", ["bytes", "truncated", "missing", "json", "dictionary"])
def test_a_damaged_cache_entry_is_rebuilt_not_trusted(tmp_path, damage, stored):
    project, full = copy(tmp_path, "project"), copy(tmp_path, "full")
    run(project)
    run(full)
    folder = project / ".kpb-cache" / "2024"
    rows = folder / "aktivitet.arrow"
    if damage == "bytes":  # same size, other bytes: the codes of other persons
        data = bytearray(rows.read_bytes())
        middle = len(data) // 2
        data[middle:middle + 64] = bytes(64)
        rows.write_bytes(bytes(data))
    elif damage == "truncated":
        rows.write_bytes(rows.read_bytes()[:1000])
    elif damage == "missing":
        rows.unlink()
    elif damage == "json":
        (folder / "aktivitet.json").write_text("{ inte json", encoding="utf-8")
    else:
        (folder / "aktivitet.ordbok.arrow").write_bytes(b"ARROW1 trasig")
    output = run(project)
    assert reused(output) == set(SOURCES) - {"aktivitet"}
    assert outputs(project) == outputs(full)
    assert reused(run(project)) == set(SOURCES)  # rebuilt, and trusted again


def test_load_fills_the_cache_and_check_reuses_it(tmp_path):
    project = copy(tmp_path, "project")
    assert reused(run(project, "load")) == set()
    checked = run(project, "check")
    assert reused(checked) == set(SOURCES)
    assert "återanvänd (oförändrad)" in checked  # the summary's Inläst lines say so too
    assert reused(run(project, "compute")) == set(SOURCES)


def test_the_cache_holds_no_personnummer(tmp_path):
    project = copy(tmp_path, "project")
    run(project)
    texts = b"".join(path.read_bytes()
                     for path in (project / "data" / "2024").rglob("*.csv"))
    numbers = (b"080477-1822", b"0804771822")  # a samordningsnummer of hvb_fakturor_2024.csv
    assert numbers[0] in texts
    held = b"".join(path.read_bytes() for path in (project / ".kpb-cache").rglob("*")
                   if path.is_file())
    for number in numbers:
        assert number not in held


def test_a_killed_write_leaves_nothing_trusted(tmp_path):
    """A temporary file of a dead process is removed; the entry it was for is rebuilt."""
    project = copy(tmp_path, "project")
    run(project)
    folder = project / ".kpb-cache" / "2024"
    (folder / "aktivitet.json").unlink()  # killed after the JSON went, before the new came
    stale = folder / f"aktivitet.arrow{cache.TMP}999999999-deadbeef"
    stale.write_bytes(b"half written")
    assert reused(run(project)) == set(SOURCES) - {"aktivitet"}
    assert not stale.exists()
    assert reused(run(project)) == set(SOURCES)


def test_a_source_read_in_pieces_is_kept_and_reused(tmp_path, monkeypatch, stored):
    """A big export is spilled while read (spill.py): the cache streams it from the spill,
    and the reused run writes the outputs of a run that read everything whole."""
    import kpb.load.csvpieces as csvpieces

    project, full = copy(tmp_path, "project"), copy(tmp_path, "full")
    run(full)
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", 16_000)
    run(project)
    stored.clear()
    assert reused(run(project)) == set(SOURCES)  # scanned lazily, as when it was spilled
    assert stored == []
    assert outputs(project) == outputs(full)
    (project / "kpb.duckdb").unlink()  # the reused rows must be stored again: streamed
    assert reused(run(project)) == set(SOURCES)
    assert outputs(project) == outputs(full)
    assert not (project / ".kpb-tmp").exists()


def test_a_file_changed_in_the_tick_of_its_stat_is_hashed(tmp_path):
    """Same size, same inode, same mtime (rewritten within one tick of the file system's
    clock): a file changed so close to the stat is never trusted by its stat alone."""
    import time

    project = copy(tmp_path, "project")
    path = project / "data" / "2024" / "direkt" / "hvb_fakturor_2024.csv"
    now = time.time_ns()  # written "now", as the run looks at it (copytree kept the old time)
    os.utime(path, ns=(now, now))
    before = path.stat()
    run(project)
    data = bytearray(path.read_bytes())
    at = data.rindex(b"0")
    data[at:at + 1] = b"1"
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_ino == before.st_ino and path.stat().st_size == before.st_size
    assert reused(run(project)) == set(SOURCES) - {"direkt"}


def test_a_source_beside_a_file_named_with_a_personnummer_is_not_kept(tmp_path):
    """A skipped file's name is no export's: nothing checks it, so the cache keeps nothing of
    a folder holding one (the name would be in its record)."""
    project = copy(tmp_path, "project")
    (project / "data" / "2024" / "direkt" / ".kopia 080477-1822.csv").write_text("x")
    output = run(project)
    assert ".kopia 080477-****.csv: varning: dold fil" in output and "1822" not in output
    assert not (project / ".kpb-cache" / "2024" / "direkt.json").exists()
    held = b"".join(path.read_bytes() for path in (project / ".kpb-cache").rglob("*")
                    if path.is_file())
    assert b"080477" not in held
    assert reused(run(project)) == set(SOURCES) - {"direkt"}
