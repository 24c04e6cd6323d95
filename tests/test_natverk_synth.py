"""`kpb synth --kommuner N`: a network of synthetic kommuner of varied size and cost level,
which computes, shares and compares through the CLI."""

import polars as pl
from click.testing import CliRunner

from kpb.cli import main
from kpb.network.synthetic import scale_personnel

KEY = "testnyckel-som-bara-finns-i-natverkstesterna"


def ok(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], env={"KPB_PSEUDONYM_NYCKEL": KEY})
    assert result.exit_code == 0, result.output
    return result


def test_personnel_accounts_are_scaled_to_the_ore(tmp_path):
    path = tmp_path / "kontoutfall_2024.csv"
    path.write_bytes("\ufeffPeriod;Konto;Ansvar;Verksamhet;Aktivitet;Projekt;Motpart;Utfall\n"
                     "202401;5011;100;500;;;;1000,00\n"
                     "202401;5411;100;500;;;;333,33\n"
                     "202401;3110;100;500;;;;-250,05\n"
                     "202402;4010;100;500;;;;99,99\n".encode("utf-8"))
    scale_personnel(path, 1.13)
    lines = path.read_bytes().decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffPeriod;Konto")
    # 1 000,00 × 1,13 = 1 130,00; 333,33 × 1,13 = 376,6629 -> 376,66; others as they were
    assert [line.rsplit(";", 1)[1] for line in lines[1:]] == ["1130,00", "376,66", "-250,05",
                                                              "99,99"]
    assert lines[1] == "202401;5011;100;500;;;;1130,00"


def test_a_synthetic_network_of_three_kommuner_is_compared(tmp_path):
    result = ok("synth", "--invanare", 6000, "--kommuner", 3, "--seed", 7,
                "--out", tmp_path / "natverk", "--tyst")
    folders = sorted((tmp_path / "natverk").iterdir())
    assert [f.name for f in folders] == ["9001", "9002", "9003"]
    sizes = {int(line.split(": ")[1].split(" ")[0]) for line in result.output.splitlines()}
    assert len(sizes) == 3 and max(sizes) <= 6000
    for folder in folders:
        ok("compute", 2024, "--project", folder, "--tyst", "--utan-rapport")
        ok("dela", 2024, "--project", folder, "--kommunkod", folder.name,
           "--ut", tmp_path / "paket", "--tyst")
    result = ok("natverk", tmp_path / "paket", "--tyst")
    assert "3 kommuner jämförs (9001, 9002, 9003)" in result.output
    rows = pl.read_parquet(tmp_path / "paket" / "natverk_2024" / "natverk_jamforelse.parquet")
    hemtjanst = rows.filter((pl.col("kod") == "hemtjanst")
                            & (pl.col("matt") == "kostnad_per_enhet"))
    assert hemtjanst["varde"].n_unique() == 3  # three cost levels
