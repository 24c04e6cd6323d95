"""The activity rows are kept as one Parquet file per year beside kpb.duckdb, which shows them
as the view `aktivitet` (kpb/load/file_tables.py): stored in the same commit as the rest,
readable wherever the project folder moves, and an older kpb.duckdb is moved over."""

import shutil

import duckdb
import pytest

from builders import copy_example, run
from kpb.load import database, file_tables
from kpb.project import Project


def compute(project, year="2024"):
    result = run("compute", year, "--project", str(project))
    assert result.exit_code == 0, result.output
    return result.output


def files(project):
    return sorted(p.name for p in (project / ".kpb-lager" / "aktivitet").iterdir())


def activity_rows(project):
    """What kpb.duckdb shows, per year, and what the load counted in the activity exports."""
    with duckdb.connect(str(project / "kpb.duckdb"), read_only=True) as con:
        shown = dict(con.execute("SELECT ar, count(*) FROM aktivitet GROUP BY ar").fetchall())
        loaded = con.execute("SELECT sum(rader) FROM inlast_fil WHERE kalla = 'aktivitet'"
                         ).fetchone()[0]
        kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                             "WHERE table_name = 'aktivitet'").fetchall())
    return shown, loaded, kinds


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    project = copy_example(tmp_path_factory.mktemp("filer"))
    compute(project)
    return project


def test_the_activity_rows_are_a_view_over_one_file_per_year(computed):
    shown, loaded, kinds = activity_rows(computed)
    assert shown == {2024: loaded} and loaded > 10_000
    assert kinds == {"aktivitet": "VIEW"}
    assert len(files(computed)) == 1 and files(computed)[0].startswith("2024-")


def test_a_rules_edit_keeps_the_file_and_a_changed_export_replaces_it(tmp_path):
    project = copy_example(tmp_path)
    compute(project)
    first = files(project)
    compute(project)  # nothing changed: the stored file is the one kpb.duckdb holds
    assert files(project) == first
    export = sorted((project / "data" / "2024" / "aktivitet").glob("*.csv"))[0]
    text = export.read_bytes()
    export.write_bytes(text + text.splitlines(keepends=True)[-1])  # one row more
    compute(project)
    assert len(files(project)) == 1 and files(project) != first  # the old file is gone
    shown, loaded, _ = activity_rows(project)
    assert shown == {2024: loaded}


def test_kpb_sql_and_followup_read_the_files_after_the_project_has_moved(tmp_path, computed):
    moved = tmp_path / "flyttad"
    shutil.copytree(computed, moved)
    loaded = activity_rows(computed)[1]
    shutil.rmtree(computed / ".kpb-lager")  # the old place is empty: no reading from there
    try:
        result = run("sql", "select count(*) as n from aktivitet", "--project", str(moved))
        assert result.exit_code == 0, result.output
        assert f"{loaded:,}".replace(",", " ") in result.output
        follow = run("uppfoljning", "2024", "--project", str(moved))
        assert follow.exit_code == 0, follow.output
    finally:
        shutil.copytree(moved / ".kpb-lager", computed / ".kpb-lager")


def test_a_missing_file_is_named_and_the_next_compute_stores_it_again(tmp_path):
    project = copy_example(tmp_path)
    compute(project)
    shutil.rmtree(project / ".kpb-lager")
    result = run("sql", "select count(*) from aktivitet", "--project", str(project))
    assert result.exit_code == 1, result.output
    assert ".kpb-lager/aktivitet/2024-" in result.output and "saknas" in result.output
    assert "Traceback" not in result.output
    compute(project)  # the fingerprint matches, but the file is not there: stored again
    shown, loaded, _ = activity_rows(project)
    assert shown == {2024: loaded}


def test_a_failed_store_leaves_the_view_and_its_file_as_they_were(tmp_path, monkeypatch):
    project = copy_example(tmp_path)
    compute(project)
    before = (files(project), activity_rows(project))
    export = sorted((project / "data" / "2024" / "aktivitet").glob("*.csv"))[0]
    export.write_bytes(export.read_bytes() + export.read_bytes().splitlines(keepends=True)[-1])

    def failing(con, table, year, name):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(file_tables, "record", failing)
    result = run("compute", "2024", "--project", str(project))
    assert result.exit_code == 1 and "Traceback" not in result.output
    monkeypatch.undo()
    shown = activity_rows(project)
    assert shown == before[1]
    # the failed run's file, written beside the staging of its results, is removed with it
    assert files(project) == before[0]
    compute(project)
    assert len(files(project)) == 1 and files(project) != before[0]


def test_a_run_that_fails_while_staging_its_results_leaves_no_new_file(tmp_path, monkeypatch):
    """The new activity file is written beside the staging of the results (commit.py): a
    failure there removes it, and kpb.duckdb still shows the earlier rows."""
    from kpb.write import outputs

    project = copy_example(tmp_path)
    compute(project)
    before = (files(project), activity_rows(project))
    export = sorted((project / "data" / "2024" / "aktivitet").glob("*.csv"))[0]
    export.write_bytes(export.read_bytes() + export.read_bytes().splitlines(keepends=True)[-1])

    def failing(folder, manifest):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs, "write_manifest", failing)
    result = run("compute", "2024", "--project", str(project))
    assert result.exit_code == 1 and "Traceback" not in result.output
    monkeypatch.undo()
    assert files(project) == before[0]
    assert activity_rows(project) == before[1]
    compute(project)
    shown, loaded, _ = activity_rows(project)
    assert shown == {2024: loaded} and loaded == before[1][1] + 1


def stored_rows(project):
    with duckdb.connect(str(project / "kpb.duckdb"), read_only=True) as con:
        return con.sql("SELECT * EXCLUDE (kalla_fil), kalla_fil::VARCHAR AS fil FROM aktivitet"
                       ).pl()


def test_the_pieces_of_a_big_export_are_linked_into_the_store_as_they_were_spilled(
        tmp_path, monkeypatch):
    """A source read in pieces is kept as its spilled pieces, hard-linked (no second write):
    the view shows the rows in file order, as one file read whole does; where a link cannot
    be made (another file system) the pieces are written again as one file."""
    import os

    from kpb.load import csvpieces

    whole = copy_example(tmp_path / "whole")
    compute(whole)
    pieces, copied = copy_example(tmp_path / "pieces"), copy_example(tmp_path / "copied")
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", 4_000)
    compute(pieces)
    linked = files(pieces)
    assert len(linked) > 1 and all(name.endswith(f"-{n:05d}.parquet")
                                   for n, name in enumerate(linked))
    assert not (pieces / ".kpb-tmp").exists()
    assert stored_rows(pieces).equals(stored_rows(whole))

    def no_link(source, target):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    compute(copied)
    assert len(files(copied)) == 1
    assert stored_rows(copied).equals(stored_rows(whole))


def test_a_kpb_duckdb_of_an_earlier_kpb_is_moved_over(tmp_path):
    """Before, aktivitet was a table inside kpb.duckdb: its years become files on the next
    store, in the same transaction, and the table makes way for the view."""
    project = copy_example(tmp_path)
    compute(project)
    shown, loaded, _ = activity_rows(project)
    with duckdb.connect(str(project / "kpb.duckdb")) as con:  # as an earlier kpb left it
        con.execute("CREATE TABLE gammal AS SELECT * FROM aktivitet "
                    "UNION ALL SELECT * REPLACE (2022 AS ar) FROM aktivitet")
        con.execute("DROP VIEW aktivitet")
        con.execute("DROP TABLE kpb_form_aktivitet")
        con.execute("DROP TABLE kpb_lagrad_fil")
        con.execute("ALTER TABLE gammal RENAME TO aktivitet")
    shutil.rmtree(project / ".kpb-lager")
    result = run("sql", "select count(*) from aktivitet_alla_ar", "--project", str(project))
    assert result.exit_code == 0, result.output  # readable before the move, as a table
    compute(project)
    shown, loaded, kinds = activity_rows(project)
    assert shown == {2022: loaded, 2024: loaded} and kinds == {"aktivitet": "VIEW"}
    assert [name[:5] for name in files(project)] == ["2022-", "2024-"]
    back = database.read_tables(Project.open(project), 2022)
    assert back["aktivitet"].height == loaded
