"""No personnummer in any text kpb writes: file and sheet names, kpb.toml's kommun, the rules'
texts and Kolada files are scanned like the exports' columns, and the forms with a space, an
en or em dash or " - " inside are found and masked like the plain ones."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from kpb.cli import main
from kpb.load.personnummer import mask_within

from builders import copy_fixture

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "exempelkommun"
NUMBER = "19121212-1212"  # Tolvan Tolvansson, Skatteverket's test number: valid


def project(tmp_path: Path) -> Path:
    root = tmp_path / "exempelkommun"
    copy_fixture(EXAMPLE, root)
    return root


def check(root: Path):
    return CliRunner().invoke(main, ["check", "2024", "-p", str(root), "-q"])


@pytest.mark.parametrize("written", ["19121212 1212", "19121212–1212", "19121212—1212",
                                     "19121212 - 1212", "121212-1212"])
def test_every_written_form_is_masked(written):
    assert mask_within(f"fann {written} i texten") == "fann 19121212-**** i texten" or \
        mask_within(f"fann {written} i texten") == "fann 121212-**** i texten"


@pytest.mark.parametrize("written", ["19121212 1212", "19121212–1212", "19121212 - 1212"])
def test_a_number_with_a_space_or_dash_in_free_text_is_refused(tmp_path, written):
    root = project(tmp_path)
    invoices = root / "data/2024/direkt/hvb_fakturor_2024.csv"
    text = invoices.read_bytes().decode("utf-8")
    header, first, *rest = text.split("\n")
    columns = header.split(";")
    cells = first.split(";")
    cells[columns.index("utforare")] = f"Konsult {written} AB"
    invoices.write_bytes("\n".join([header, ";".join(cells), *rest]).encode("utf-8"))
    result = check(root)
    assert result.exit_code == 1
    assert "fann 'Konsult 19121212-**** AB'" in result.output
    assert "1212 AB" not in result.output.replace("-**** AB", "")


def test_a_file_name_holding_a_number_is_refused_masked(tmp_path):
    root = project(tmp_path)
    source = root / "data/2024/direkt/hvb_fakturor_2024.csv"
    source.rename(source.with_name(f"fakturor_{NUMBER}.csv"))
    result = check(root)
    assert result.exit_code == 1
    assert "fakturor_19121212-****.csv" in result.output and NUMBER not in result.output
    assert "byt namn på filen" in result.output


def test_the_rules_may_hold_no_number(tmp_path):
    root = project(tmp_path)
    rules = root / "regler/2024.toml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        'namn = "HVB barn och unga, köpt plats"', f'namn = "HVB för {NUMBER}"'),
        encoding="utf-8")
    result = check(root)
    assert result.exit_code == 1
    assert "regler/2024.toml" in result.output and "HVB för 19121212-****" in result.output
    assert NUMBER not in result.output


def test_the_kommun_may_hold_no_number(tmp_path):
    root = project(tmp_path)
    settings = root / "kpb.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'kommun = "Exempelkommun"', 'kommun = "Exempelkommun 121212–1212"'), encoding="utf-8")
    result = check(root)
    assert result.exit_code == 1
    assert "kpb.toml" in result.output and "Exempelkommun 121212-****" in result.output
    assert "–1212" not in result.output


def test_a_kolada_file_holding_a_number_is_refused(tmp_path):
    root = project(tmp_path)
    (root / "kolada/personer.csv").write_text(
        f"kpi;kommun;år;värde\nN33100;{NUMBER};2024;5200\n", encoding="cp1252")
    result = check(root)
    assert result.exit_code == 1 and "19121212-****" in result.output
    assert NUMBER not in result.output


def test_redan_pseudonym_refuses_a_number_shape_even_when_invalid(tmp_path):
    from builders import write_project

    write_project(tmp_path, '[pseudonym]\nredan_pseudonym = true\n', **{
        "aktivitet/a.csv": "person;insats;from;tom;kon;fodelsear\n"
                           "a1b2c3;hemtjanst;2024-01-01;2024-01-31;K;1950\n"
                           "19121212–1213;hemtjanst;2024-01-01;2024-01-31;K;1950\n"})
    result = CliRunner().invoke(main, ["load", "2024", "-p", str(tmp_path), "-q"])
    assert result.exit_code == 1
    assert "ser ut som ett personnummer" in result.output
    assert "1213" not in result.output


def test_an_utforare_written_decomposed_meets_the_rules_precomposed_name(tmp_path):
    """NFD (o + combining diaeresis) and NFC (ö) are one name: the hemtjänst rows of
    "Hemtjänst Söder" written decomposed still reach their pool, with no warning."""
    import unicodedata

    import polars as pl

    root = project(tmp_path)
    changed = 0
    for export in (root / "data/2024/aktivitet").glob("hemtjanst*.csv"):
        raw = export.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        changed += text.count("Hemtjänst Söder")
        # NFD cannot be written in Windows-1252: the export is rewritten as UTF-8
        export.write_bytes(text.replace("Hemtjänst Söder", unicodedata.normalize(
            "NFD", "Hemtjänst Söder")).encode("utf-8"))
    assert changed > 0
    plain = project(tmp_path / "plain")
    for root_ in (root, plain):
        result = CliRunner().invoke(main, ["compute", "2024", "-p", str(root_), "-q",
                                           "--utan-rapport", "--strikt"])
        assert result.exit_code == 0, result.output
    assert pl.read_parquet(root / "ut/2024/pool.parquet").equals(
        pl.read_parquet(plain / "ut/2024/pool.parquet"))
