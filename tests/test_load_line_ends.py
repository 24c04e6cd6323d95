"""Lines that end in CR alone (old Mac programs, some exports): read as lines, with the
line numbers a user sees in an editor; refused by name in a file too big to read whole."""

import pytest
from builders import write_project

from kpb.errors import KpbError
from kpb.load import csvpieces, load_year
from kpb.load.population import read_population

LEDGER = "Period;Konto;Belopp;Ansvar\n202401;5010;1 000,50;Äldreomsorg\n202402;5010;-0,50;Hemtjänst\n"


def cr_only(text: str, encoding: str = "cp1252") -> bytes:
    return text.replace("\n", "\r").encode(encoding)


def problems_of(project) -> list[str]:
    with pytest.raises(KpbError) as failure:
        load_year(project, 2024)
    return [str(p) for p in failure.value.problems]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig", "utf-16"])
def test_a_ledger_with_cr_line_ends_loads_every_row(tmp_path, encoding):
    project = write_project(tmp_path, **{"ledger/hb.csv": cr_only(LEDGER, encoding)})
    ledger = load_year(project, 2024).ledger
    assert ledger["belopp_ore"].to_list() == [100050, -50]
    assert ledger["ansvar"].to_list() == ["Äldreomsorg", "Hemtjänst"]
    assert ledger["kalla_rad"].to_list() == [2, 3]


def test_a_bad_value_in_a_cr_file_is_named_at_its_line(tmp_path):
    text = LEDGER + "202403;5010;tusen;Äldreomsorg\n"
    project = write_project(tmp_path, **{"ledger/hb.csv": cr_only(text)})
    assert [p.split(":")[:2] for p in problems_of(project)] == [["data/2024/ledger/hb.csv",
                                                                "4"]]


def test_a_quoted_field_in_a_cr_file_keeps_later_line_numbers(tmp_path):
    text = ('Period;Konto;Belopp;Ansvar\n202401;5010;1;"Äldre\nomsorg"\n'
            "202402;5010;x;Hemtjänst\n")
    project = write_project(tmp_path, **{"ledger/hb.csv": cr_only(text)})
    assert problems_of(project)[0].startswith("data/2024/ledger/hb.csv:4: Belopp: fann 'x'")


def test_a_file_too_big_to_read_whole_with_cr_line_ends_is_refused_by_name(tmp_path,
                                                                           monkeypatch):
    rows = "".join(f"20121212-1212;hemtjanst;2024-03-{d:02};2024-03-{d:02};1,5\n"
                   for d in range(1, 29))
    text = "person;insats;from;tom;timmar\n" + rows
    project = write_project(tmp_path, **{"aktivitet/a.csv": cr_only(text)})
    monkeypatch.setattr(csvpieces, "PIECE_BYTES", 300)
    assert problems_of(project) == [
        "data/2024/aktivitet/a.csv: raderna slutar med enbart CR (radslut från äldre "
        "Mac-program), vilket kpb inte läser i en fil över 1,25 GiB: väntade radslut LF eller "
        "CRLF (spara om exporten med Windows- eller Unix-radslut)"]


def test_a_population_file_with_cr_line_ends_reads_every_age(tmp_path):
    text = "Ålder;Antal\n0;120\n1;118\n100+;3\n"
    (tmp_path / "lf").mkdir()
    (tmp_path / "cr").mkdir()
    lf = write_project(tmp_path / "lf", **{"befolkning.csv": text.encode("cp1252")})
    cr = write_project(tmp_path / "cr", **{"befolkning.csv": cr_only(text)})
    ages = read_population(cr, 2024)
    assert ages.equals(read_population(lf, 2024))
    assert ages["antal"].to_list() == [120, 118, 3]
