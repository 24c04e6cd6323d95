"""Ekonomiskt bistånd month by month (kpb.analyse.uppfoljning.bistand), by hand: leaving
bistånd and not coming back within 12 months (Kolada U31462), with the next year loaded.

Pia (40) is paid January–March 2024 and next in June 2025: she left in March (nothing in the
3 months after) and was not back within 12 months (June 2025 is 15 months on). Quinn (30) is
paid in May 2024 and again in December 2024: left in May (7 months without), back within 12;
left again in December, not back in 2025. The data covers up to December 2025.
"""

import polars as pl

from kpb.analyse.uppfoljning.bistand import bistand_months, paid_months
from kpb.analyse.uppfoljning.settings import FollowupSettings


def payments(rows):
    return pl.DataFrame(
        [{"person_id": p, "insats": "ekonomiskt_bistand", "period": period, "belopp_ore": ore,
          "hushall": h} for p, period, ore, h in rows],
        schema={"person_id": pl.Utf8, "insats": pl.Utf8, "period": pl.Int32,
                "belopp_ore": pl.Int64, "hushall": pl.Utf8})


PERSON = pl.DataFrame({"person_id": ["pia", "quinn"], "alder": [40, 30],
                       "aldersgrupp": ["20-64", "20-64"]})


def test_left_and_not_back_within_a_year():
    rows = payments([("pia", 202401, 100000, "H1"), ("pia", 202402, 100000, "H1"),
                     ("pia", 202403, 100000, "H1"), ("pia", 202506, 100000, "H1"),
                     ("quinn", 202405, 50000, ""), ("quinn", 202412, 50000, "")])
    table = bistand_months(paid_months(rows, ("ekonomiskt_bistand",), "EB"), PERSON,
                           FollowupSettings(), 2024, 12, 2025 * 12 + 11)
    left = table.filter(pl.col("lamnade") > 0).select("manad", "lamnade", "ej_atervanda",
                                                     "andel_ej_atervanda")
    assert [(m, n, e, str(a)) for m, n, e, a in left.rows()] == [
        (3, 1, 1, "1.0000"), (5, 1, 0, "0.0000"), (12, 1, 1, "1.0000")]
    assert table.select("manad", "hushall", "vuxna").rows() == [
        (1, 1, 1), (2, 1, 1), (3, 1, 1), (5, 1, 1), (12, 1, 1)]


def test_without_the_next_year_nothing_is_claimed():
    rows = payments([("pia", 202401, 100000, "H1"), ("pia", 202402, 100000, "H1")])
    table = bistand_months(paid_months(rows, ("ekonomiskt_bistand",), "EB"), PERSON,
                           FollowupSettings(), 2024, 12, 2024 * 12 + 11)
    assert table["lamnade"].null_count() == table.height
    assert table["andel_ej_atervanda"].null_count() == table.height
