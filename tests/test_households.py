"""Households (hushall.parquet) worked out by hand on a four-person project, through the CLI.

Adam and Bertil are household H1: Adam gets 1 000 kr a month January–October (10 months:
långvarigt bistånd) plus +300 and −300 in November (an återkrav: no month with payment);
Bertil is in arbetsmarknad with Adam's household id. Carl was in H1 in February (an AMI day
with H1's id) but from May has his own household H2 with 2 months of 2 500 kr: his latest
dated row is a June payment of H2, so he and all his costs count in H2. David is in
arbetsmarknad without any household and is in no household.

Pools: payments 15 000 kr (ledger = case system, no rest); handläggning 12 000 kr over 12
household months (Adam 10 → 10 000, Carl 2 → 2 000); AMI 9 000 kr over 4 days (Bertil 2 →
4 500, Carl 1 → 2 250, David 1 → 2 250).

H1: 2 members, bistånd 10 000, handläggning 10 000, övriga 4 500, total 24 500, 10 months.
H2: 1 member, bistånd 5 000, handläggning 2 000, övriga 2 250, total 9 250, 2 months.
Share of bistånd: 10 000 / 15 000 = 0.6667, 5 000 / 15 000 = 0.3333 (cumulative 1.0000).
"""

from decimal import Decimal
from pathlib import Path

import polars as pl
from builders import TEST_KEY
from click.testing import CliRunner

from kpb.cli import main
from kpb.load.pseudonym import person_id

KEY = TEST_KEY
ADAM, BERTIL, CARL, DAVID = "640823-3234", "811218-9876", "701063-2391", "850101-1236"

RULES = """
ar = 2024
[insatser]
ekonomiskt_bistand = { enhet = "kronor",  omrade = "EB" }
eb_handlaggning    = { enhet = "manader", omrade = "EB" }
ami                = { enhet = "antal",   omrade = "AMI" }

[[pool]]
namn = "eb_utbetalning"
typ = "direkt"
ansvar = ["820"]
insats = "ekonomiskt_bistand"

[[pool]]
namn = "eb_handlaggning"
ansvar = ["810"]
insats = "eb_handlaggning"

[[pool]]
namn = "ami"
ansvar = ["900"]
insats = "ami"
"""

LEDGER = """period;konto;ansvar;belopp
202401;4710;820;15000,00
202401;5011;810;12000,00
202401;5011;900;9000,00
"""

AKTIVITET = f"""person;insats;from;tom;antal;hushall
{ADAM};eb_handlaggning;2024-01-01;2024-10-31;;H1
{BERTIL};ami;2024-03-01;;2;H1
{CARL};ami;2024-02-01;;1;H1
{CARL};eb_handlaggning;2024-05-01;2024-06-30;;H2
{DAVID};ami;2024-04-01;;1;
"""

PAYMENTS = "person;insats;period;belopp;hushall\n" + "".join(
    f"{ADAM};ekonomiskt_bistand;2024{m:02d};1000,00;H1\n" for m in range(1, 11)) + f"""\
{ADAM};ekonomiskt_bistand;202411;300,00;H1
{ADAM};ekonomiskt_bistand;202411;-300,00;H1
{CARL};ekonomiskt_bistand;202405;2500,00;H2
{CARL};ekonomiskt_bistand;202406;2500,00;H2
"""


def household(name: str) -> str:
    return person_id(KEY.encode(), "hushall:" + name)


def project(root: Path, settings: str = "") -> Path:
    files = {"kpb.toml": 'kommun = "Testby"\n' + settings, "regler/2024.toml": RULES,
             "data/2024/ledger/hb.csv": LEDGER, "data/2024/aktivitet/a.csv": AKTIVITET,
             "data/2024/direkt/eb.csv": PAYMENTS}
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["compute", "2024", "--project", str(root), "--tyst"],
                                env={"KPB_PSEUDONYM_NYCKEL": KEY})
    assert result.exit_code == 0, result.output
    root.joinpath("utskrift.txt").write_text(result.output, encoding="utf-8")
    return root


def read(root: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(root / "ut" / "2024" / f"{name}.parquet")


def test_households_worked_by_hand(tmp_path):
    rows = read(project(tmp_path), "hushall").drop("ar").rows()
    assert rows == [
        (1, household("H1"), 2, Decimal("10000.00"), Decimal("10000.00"), Decimal("4500.00"),
         Decimal("24500.00"), 10, True, Decimal("0.6667"), Decimal("0.6667")),
        (2, household("H2"), 1, Decimal("5000.00"), Decimal("2000.00"), Decimal("2250.00"),
         Decimal("9250.00"), 2, False, Decimal("0.3333"), Decimal("1.0000")),
    ]


def test_compute_prints_the_households(tmp_path):
    printed = project(tmp_path).joinpath("utskrift.txt").read_text(encoding="utf-8")
    assert "  hushåll  2, varav 1 med långvarigt bistånd (50,0 %)" in printed


def test_households_reconcile_with_the_person_costs(tmp_path):
    root = project(tmp_path)
    households, persons = read(root, "hushall"), read(root, "brukare")
    per_insats = read(root, "hushall_insats")
    david = person_id(KEY.encode(), "198501011236")
    assert households["kostnad"].sum() == persons.filter(
        pl.col("person_id") != david)["kostnad"].sum()  # everyone but David, to the öre
    assert per_insats["kostnad"].sum() == households["kostnad"].sum()
    eb = read(root, "brukare_insats").filter(pl.col("insats") == "ekonomiskt_bistand")
    assert households["bistand"].sum() == eb["kostnad"].sum()
    assert per_insats.filter(pl.col("hushall") == household("H1")).select(
        "insats", "antal_medlemmar", "kostnad").rows() == [
        ("ami", 1, Decimal("4500.00")), ("eb_handlaggning", 1, Decimal("10000.00")),
        ("ekonomiskt_bistand", 1, Decimal("10000.00"))]


def test_the_langvarig_threshold_is_a_setting(tmp_path):
    root = project(tmp_path, "[hushall]\nlangvarigt_manader = 11\n")
    assert read(root, "hushall")["langvarigt_bistand"].to_list() == [False, False]


def test_a_bad_threshold_is_a_clear_error(tmp_path):
    (tmp_path / "kpb.toml").write_text('[hushall]\nlangvarigt_manader = 13\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["compute", "2024", "--project", str(tmp_path)])
    assert result.exit_code == 1
    assert "kpb.toml: hushall.langvarigt_manader: fann 13, väntade ett heltal 1–12" in result.output
