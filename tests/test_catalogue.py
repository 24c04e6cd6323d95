"""The catalogue of defective projects: every one is a message that names the file or
setting, exit code 1, no traceback, and the previous results stay as they were.

Each case starts from lillby computed once, breaks one thing and runs `kpb compute 2024`
through the CLI. A few failures that root (who runs the CI) cannot cause for real (a file
it may not read, a full disk, Ctrl-C) are raised where the operating system would raise
them. The last test checks that a bug in kpb is exit code 2 with a plea to report it.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kpb.cli import main

from builders import TEST_KEY, copy_fixture

FIXTURES = Path(__file__).parents[1] / "fixtures"
LEDGER = "data/2024/ledger/huvudbok.csv"
RULES = "regler/2024.toml"
HEADER = "period;konto;ansvar;verksamhet;belopp\n"


def write(root: Path, name: str, content: str | bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def replace_ledger(root: Path, name: str, content: str | bytes) -> None:
    (root / LEDGER).unlink()
    write(root, f"data/2024/ledger/{name}", content)


def append(root: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    with open(root / name, "ab") as file:
        file.write(text.encode(encoding))


def edit(name: str, old: str, new: str, encoding: str = "utf-8"):
    """A case that replaces the first `old` in file `name` by `new`, written in `encoding`."""
    def make(root: Path) -> None:
        text = (root / name).read_text(encoding="utf-8")
        assert old in text
        write(root, name, text.replace(old, new, 1).encode(encoding))
    return make


def workbook(root: Path, edit) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in (root / LEDGER).read_text(encoding="utf-8").splitlines()[:4]:
        sheet.append(line.split(";"))
    edit(book)
    (root / LEDGER).unlink()
    book.save(root / "data/2024/ledger/huvudbok.xlsx")


def settings(extra: str):
    """A kpb.toml of the kommun line and `extra` (lillby needs no other setting)."""
    return lambda root: write(root, "kpb.toml", 'kommun = "Lillby"\n' + extra + "\n")


def key_file(content: bytes, mode: int = 0o600):
    def make(root: Path) -> None:
        write(root, "kpb.key", content)
        os.chmod(root / "kpb.key", mode)
    return make


def raising(target: str, exception: BaseException):
    """A case that patches `module:attribute` to raise, as the operating system would."""
    return ("patch", target, exception)


SIE_HEAD = '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#RAR 0 20240101 20241231\n'

# name -> (how to break the project, a fragment the message must hold, use the key file)
CASES = {
    # -- the ledger: empty, unreadable, doubled ------------------------------------------
    "huvudbok bara rubrik": (lambda r: write(r, LEDGER, HEADER),
                             "huvudbok.csv: filen har inga rader efter rubrikraden"),
    "huvudbok tom fil": (lambda r: write(r, LEDGER, b""), "huvudbok.csv: filen är tom"),
    "huvudbok bara BOM": (lambda r: write(r, LEDGER, b"\xef\xbb\xbf"), "huvudbok.csv: filen är tom"),
    "huvudbok binärt skräp": (lambda r: write(r, LEDGER, bytes(range(256)) * 20),
                              "huvudbok.csv:2: byten 0x80 är inte UTF-8"),
    "huvudbok olästbar": (raising("kpb.load.folder:read_csv", PermissionError(
        errno.EACCES, "Permission denied")), "huvudbok.csv: filen kunde inte läsas"),
    "enda huvudboken bruten länk": (
        lambda r: ((r / LEDGER).unlink(), os.symlink(r / "saknas.csv", r / LEDGER)),
        "huvudbok.csv: länken leder ingenstans"),
    "länkar i ring": (lambda r: (os.symlink(r / "data/2024/ledger/b.csv", r / "data/2024/ledger/a.csv"),
                                 os.symlink(r / "data/2024/ledger/a.csv", r / "data/2024/ledger/b.csv")),
                      "ledger/a.csv: länken leder ingenstans"),
    "mapp som heter sabo.csv": (lambda r: write(r, "data/2024/aktivitet/sabo2.csv/del.csv", "x"),
                                "aktivitet/sabo2.csv: är en mapp"),
    "okänd filändelse": (lambda r: write(r, "data/2024/ledger/huvudbok.txt", HEADER),
                         "huvudbok.txt: okänd filtyp"),
    "samma export två gånger": (
        lambda r: shutil.copy(r / LEDGER, r / "data/2024/ledger/huvudbok (1).csv"),
        "har samma innehåll som"),
    "citattecken som aldrig stängs": (lambda r: append(r, LEDGER, '202401;"5010;200;510;100\n'),
                                      "huvudbok.csv:"),
    "belopp med 20 siffror": (lambda r: append(r, LEDGER, "202401;5010;200;510;99999999999999999999\n"),
                              "huvudbok.csv:338: belopp: fann '99999999999999999999': väntade ett "
                              "belopp med högst 15 siffror"),
    "två ansvar-kolumner": (edit(LEDGER, "ansvar;verksamhet", "ansvar;Ansvar"),
                            "huvudbok.csv:1: ansvar: rubriken finns i kolumn 3 och 4"),
    "personnummer som utförare": (edit("data/2024/aktivitet/hemtjanst.csv", ";NORR;", ";811218-9876;"),
                                  "hemtjanst.csv:2: utforare: fann '811218-****'"),
    "samordningsnummer som verksamhet": (edit(LEDGER, "202401;3110;200;510;", "202401;3110;200;701063-2391;"),
                                         "huvudbok.csv:2: verksamhet: fann '701063-****'"),
    "UTF-8-rad i Windows-1252-fil": (lambda r: (settings("")(r), append(r, LEDGER, "202401;3110;Äldre;510;1\n", "cp1252"),
                                                            append(r, LEDGER, "202401;3110;Äldre;510;2\n")),
                                     "huvudbok.csv:339: blandad teckenkodning"),
    "dubbelkodad UTF-8": (lambda r: append(r, LEDGER, "202401;3110;HemtjÃ¤nst;510;1\n"),
                          "huvudbok.csv:338: blandad teckenkodning: 'Ã¤'"),
    "ogiltig byte i UTF-8": (lambda r: (settings('[kalla.ledger]\nkodning = "utf-8"')(r),
                                        append(r, LEDGER, "202401;3110;200;510;1\n"),
                                        write(r, LEDGER, (r / LEDGER).read_bytes() + b"\xff\n")),
                             "huvudbok.csv:339: byten 0xFF är inte UTF-8"),
    "trasig UTF-16": (lambda r: write(r, LEDGER, (r / LEDGER).read_text().encode("utf-16")[:-1]),
                      "huvudbok.csv:337: ogiltig UTF-16-kodning"),
    "siffra efter citattecken": (lambda r: append(r, LEDGER, '202401;3110;200;510;"1"5\n'),
                                 "huvudbok.csv:338: ett fält har tecken efter sitt avslutande"),
    "rubriken *": (edit(LEDGER, "ansvar;verksamhet", "ansvar;*"),
                   "huvudbok.csv:1: rubriken '*' kan inte användas"),
    "citattecken sist i filen": (lambda r: append(r, LEDGER, '202401;3110;200;510;"12'),
                                 "huvudbok.csv:338: ett citattecken stängs aldrig"),
    # -- SIE ----------------------------------------------------------------------------
    "SIE typ 1": (lambda r: replace_ledger(r, "bok.se", '#FLAGGA 0\n#SIETYP 1\n#UB 0 1930 1.00\n'),
                  "bok.se:2: #SIETYP: SIE typ 1"),
    "HTML sparad som .se": (lambda r: replace_ledger(r, "bok.se", "<html><body>Logga in</body></html>"),
                            "bok.se: är ingen SIE-fil"),
    "SIE 5 XML": (lambda r: replace_ledger(
        r, "bok.se", '<?xml version="1.0"?>\n<Sie xmlns="http://www.sie.se/sie5"/>'),
                  "bok.se: är SIE 5"),
    "SIE utan TRANS och PSALDO": (lambda r: replace_ledger(r, "bok.se", SIE_HEAD + '#KONTO 5010 "Lön"\n'),
                                  "bok.se: filen innehåller inga #TRANS"),
    "SIE VER utan datum": (lambda r: replace_ledger(
        r, "bok.se", SIE_HEAD + '#VER A 1 "" ""\n{\n#TRANS 5010 {} 1.00\n}\n'),
                           "bok.se:5: #VER: fann inget datum"),
    "SIE TRANS utanför VER": (lambda r: replace_ledger(r, "bok.se", SIE_HEAD + "#TRANS 5010 {} 1.00\n"),
                              "bok.se:5: #TRANS: står utanför en verifikation"),
    "SIE binärt skräp": (lambda r: replace_ledger(r, "bok.se", bytes(range(256))),
                         "bok.se: filen innehåller inga"),
    # -- XLSX ---------------------------------------------------------------------------
    "XLSX trasig zip": (lambda r: replace_ledger(r, "hb.xlsx", b"PK\x03\x04trasig"),
                        "hb.xlsx: kunde inte läsas som XLSX"),
    "XLSX formel utan värde": (lambda r: workbook(r, lambda b: b.active.__setitem__("E3", "=E2*2")),
                               "huvudbok.xlsx:3: belopp: cellen E3 är formeln"),
    "XLSX sammanfogade celler": (lambda r: workbook(r, lambda b: b.active.merge_cells("A2:A3")),
                                 "huvudbok.xlsx:2: cellerna A2:A3 är sammanfogade"),
    "XLSX blad med andra rubriker": (lambda r: workbook(
        r, lambda b: b.create_sheet("Info").append(["Rapport", "2024"])),
                                     "huvudbok.xlsx: bladet 'Info' har andra rubriker"),
    # -- settings and rules --------------------------------------------------------------
    "kalla = \"x\"": (settings('kalla = "x"'), "kpb.toml: kalla: fann 'x', väntade en tabell"),
    "pseudonym = 5": (settings("pseudonym = 5"), "kpb.toml: pseudonym: fann 5"),
    "sie.dimensioner som text": (settings('[sie]\ndimensioner = "1"'), "kpb.toml: sie.dimensioner"),
    "nyckelfil som tabell": (lambda r: write(
        r, "kpb.toml", 'kommun = "L"\n[pseudonym]\nnyckelfil = { a = 1 }\n'),
                             "kpb.toml: pseudonym.nyckelfil"),
    "kpb.toml inte UTF-8": (lambda r: write(
        r, "kpb.toml", 'kommun = "Lillby kommun, äldre"\n'.encode("cp1252")),
                            "kpb.toml: ogiltig TOML"),
    "regler i Windows-1252": (lambda r: append(r, RULES, "# kostnader för äldreomsorg\n", "cp1252"),
                              "regler/2024.toml:"),
    "regler andel nan": (lambda r: write(r, RULES, (r / RULES).read_text().replace("0.30", "nan", 1)),
                         "regler/2024.toml: pool["),
    "regelfilen är en mapp": (lambda r: ((r / RULES).unlink(), (r / RULES).mkdir()),
                              "regler/2024.toml: regelfilen saknas"),
    # -- the pseudonym key -----------------------------------------------------------------
    "nyckel för kort": (key_file(b"testnyckel\n"), "kpb.key: nyckeln i nyckelfilen är för kort"),
    "nyckelfil tom": (key_file(b""), "kpb.key: nyckelfilen är tom"),
    "nyckelfil läsbar för alla": (key_file(TEST_KEY.encode(), 0o644),
                                  "kpb.key: nyckelfilen kan läsas av andra"),
    "nyckelfil är en mapp": (lambda r: (r / "kpb.key").mkdir(), "kpb.key: är en mapp"),
    "nyckeln borttagen": (lambda r: None, "kpb.key: nyckelfilen saknas men projektet har"),
    "miljövariabeln tom": (lambda r: None, "KPB_PSEUDONYM_NYCKEL: miljövariabeln är tom"),
    "miljövariabeln en bokstav": (lambda r: None, "KPB_PSEUDONYM_NYCKEL: nyckeln i "
                                                  "miljövariabeln är för kort (1 byte)"),
    "stegvis andel tillbaka": (lambda r: write(r, RULES, (r / RULES).read_text().replace(
        'nyckel = { fil = "lokalyta" }', "nyckel = { andelar = { ledning = 0.1, sabo = 0.9 } }")),
        "regler/2024.toml: pool[3] (it_lokal).nyckel.andelar: mottagaren 'ledning'"),
    # -- the machine ----------------------------------------------------------------------
    "disken full": (raising("polars:DataFrame.write_parquet", OSError(
        errno.ENOSPC, "No space left on device", "ut/.2024.tmp-1/brukare.parquet")),
        "brukare.parquet: disken är full"),
    "ut är skrivskyddad": (raising("kpb.write.outputs:os.rename", PermissionError(
        errno.EACCES, "Permission denied", "ut/2024")), "ut/2024: saknar behörighet"),
    "ut är en fil": (lambda r: (shutil.rmtree(r / "ut"), write(r, "ut", "x")), "är ingen mapp"),
    "kpb.duckdb är en mapp": (lambda r: ((r / "kpb.duckdb").unlink(), (r / "kpb.duckdb").mkdir()),
                              "kpb.duckdb kunde inte öppnas"),
    "Ctrl-C under inläsningen": (raising("kpb.load:load_year", KeyboardInterrupt()), "avbrutet (Ctrl-C)"),
}
USES_KEY_FILE = {name for name in CASES if name.startswith("nyckel")}
KEY_VARIABLE = {"miljövariabeln tom": "", "miljövariabeln en bokstav": "a"}


@pytest.fixture(scope="module")
def computed(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("katalog") / "lillby"
    copy_fixture(FIXTURES / "lillby", root)
    result = CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q"],
                                env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})
    assert result.exit_code == 0, result.output
    return root


def results(root: Path) -> dict[str, bytes]:
    folder = root / "ut" / "2024"
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


@pytest.mark.parametrize("name", list(CASES))
def test_a_defective_project_is_a_located_message_and_nothing_changes(
        name, computed, tmp_path, monkeypatch):
    root = tmp_path / "lillby"
    shutil.copytree(computed, root)
    before = results(root)
    breaks, expected = CASES[name]
    if isinstance(breaks, tuple):
        module, attribute = breaks[1].split(":")
        owner, _, leaf = attribute.rpartition(".")
        target = __import__(module, fromlist=["_"])
        for part in filter(None, owner.split(".")):
            target = getattr(target, part)

        def fail(*args, **kwargs):
            raise breaks[2]
        monkeypatch.setattr(target, leaf, fail)
    else:
        breaks(root)
    env = {"KPB_PSEUDONYM_NYCKEL": None if name in USES_KEY_FILE
           else KEY_VARIABLE.get(name, TEST_KEY)}
    result = CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q"], env=env)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert expected in result.output, result.output
    if name not in ("ut är en fil",):
        assert results(root) == before


def test_a_second_run_while_kpb_duckdb_is_locked_is_a_message(computed, tmp_path):
    root = tmp_path / "lillby"
    shutil.copytree(computed, root)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         f"con = duckdb.connect({str(root / 'kpb.duckdb')!r})\nprint('låst', flush=True)\n"
         "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "låst"
        result = CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q"],
                                    env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "kpb.duckdb används av en annan körning" in result.output


def test_a_bug_in_kpb_is_exit_2_asking_for_a_report(computed, tmp_path, monkeypatch):
    import kpb.allocate.engine

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")
    monkeypatch.setattr(kpb.allocate.engine, "allocate_checked", broken)
    root = tmp_path / "lillby"
    shutil.copytree(computed, root)
    result = CliRunner().invoke(main, ["compute", "2024", "-p", str(root), "-q"],
                                env={"KPB_PSEUDONYM_NYCKEL": TEST_KEY})
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [
        "kpb: oväntat fel (ZeroDivisionError: division by zero). Det är ett fel i kpb, inte i "
        "dina data: rapportera det gärna med kommandot och detta meddelande."]


@pytest.mark.parametrize("args", [["compute"], ["compute", "tjugo"], ["beräkna", "2024"],
                                  ["--okänd"], ["sql", "select 1", "-p", __file__]])
def test_a_mistyped_command_is_exit_1_not_the_bug_code(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Error:" in result.output and "Traceback" not in result.output
