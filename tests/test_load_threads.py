"""What the load's and the commit's threads leave behind when the main thread stops waiting
for them: the columns typed two at a time (kpb/load/sources.py `each_column`) and the
store's file written beside the staging of the results (kpb/load/database.py `prepare`)."""

import threading
import time

import pytest

from builders import copy_example, run
from kpb.load import database, file_tables, pseudonym, sources
from kpb.load.year import load_year
from kpb.project import Project


def test_no_table_of_personnummer_outlives_a_failed_load(tmp_path, monkeypatch):
    """load_year clears person_id's cache (personnummer -> pseudonym) when it ends. A column
    that fails while the person column is still typed on the other thread must not end the
    load before that thread has stopped, or the thread fills the cache again afterwards."""
    project = Project.open(copy_example(tmp_path))
    original = sources._parsed_spellings

    def timed(name, distinct, group, ctx):
        if name == "person":
            time.sleep(0.6)  # a big file's persons: the HMAC of each distinct number
        elif name == "insats":
            time.sleep(0.2)
            raise RuntimeError("insats failed")
        return original(name, distinct, group, ctx)

    monkeypatch.setattr(sources, "_parsed_spellings", timed)
    pseudonym.person_id.cache_clear()
    with pytest.raises(RuntimeError):
        load_year(project, 2024)
    time.sleep(1.0)  # a thread still running would have filled the cache by now
    assert pseudonym.person_id.cache_info().currsize == 0


def test_a_failed_staging_does_not_wait_for_the_new_file_and_it_is_removed(tmp_path,
                                                                          monkeypatch):
    """The staging fails while the store's new file is still being written: kpb compute
    stops at once with the staging's error, and the file is removed when its write ends."""
    from kpb.write import outputs

    project = copy_example(tmp_path)
    assert run("compute", "2024", "--project", str(project)).exit_code == 0
    folder = project / ".kpb-lager" / "aktivitet"
    before = sorted(p.name for p in folder.iterdir())
    export = sorted((project / "data" / "2024" / "aktivitet").glob("*.csv"))[0]
    export.write_bytes(export.read_bytes() + export.read_bytes().splitlines(keepends=True)[-1])
    slow_write = file_tables.write

    def slow(*args):
        time.sleep(2.0)
        return slow_write(*args)

    def failing(folder, manifest):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(file_tables, "write", slow)
    monkeypatch.setattr(outputs, "write_manifest", failing)
    result = run("compute", "2024", "--project", str(project))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "disken är full" in result.output
    database.WRITER.submit(lambda: None).result()  # the write has ended meanwhile
    assert sorted(p.name for p in folder.iterdir()) == before


def test_a_ctrl_c_while_the_store_waits_for_its_new_file_leaves_no_file(tmp_path):
    """store waits for the prepared write (`_ready`); a Ctrl-C in that wait goes on at once,
    and the file is removed when the write ends, not left unrecorded in .kpb-lager."""
    from concurrent.futures import Future

    project = Project.open(copy_example(tmp_path))
    (project.store_dir / "aktivitet").mkdir(parents=True)
    name = "aktivitet/2024-feedfeedfeed.parquet"

    class Interrupted(Future):
        def exception(self, timeout=None):
            if not self.done():
                raise KeyboardInterrupt  # the user's Ctrl-C while waiting
            return super().exception(timeout)

    writing = Interrupted()

    def write_ends():
        (project.store_dir / name).write_bytes(b"PAR1")
        writing.set_result([name])

    ends = threading.Timer(1.0, write_ends)  # the write ends after all, a second later
    ends.start()
    with pytest.raises(KeyboardInterrupt):
        database.store(project, 2024, None, prepared={"aktivitet": writing})
    ends.join()
    assert not (project.store_dir / name).exists()
