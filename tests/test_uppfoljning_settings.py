"""The [uppfoljning] table of the rules file: N and age bands per område, every problem at
once with its TOML path; and the bands as the flows apply them."""

import polars as pl
import pytest

from kpb.analyse.uppfoljning.flows import with_band
from kpb.analyse.uppfoljning.settings import AgeBand, FollowupSettings, parse_settings
from kpb.errors import KpbError

SOURCE = "regler/2024.toml"


def test_defaults_without_a_table():
    assert parse_settings({}, SOURCE) == FollowupSettings()


def test_bands_and_n_are_read():
    found = parse_settings({"manader": 6, "aldersgrupper": {"EB": ["18-24", "25-34", "65-",
                                                                   "80+"]}}, SOURCE)
    assert found.manader == 6
    assert found.aldersgrupper["EB"] == (AgeBand("18-24", 18, 24), AgeBand("25-34", 25, 34),
                                         AgeBand("65-", 65, None), AgeBand("80+", 80, None))


def test_the_command_line_n_wins():
    assert parse_settings({"manader": 6}, SOURCE, manader=2).manader == 2


def test_every_problem_at_once():
    with pytest.raises(KpbError) as raised:
        parse_settings({"manader": 0, "aldergrupper": {}, "aldersgrupper": {
            "EB": ["18 till 24", "30-20"], "BUF": "0-17"}}, SOURCE)
    messages = [(p.column, p.message) for p in raised.value.problems]
    assert sorted(messages) == sorted([
        ("uppfoljning.aldergrupper", "okänd nyckel, väntade manader eller aldersgrupper"),
        ("uppfoljning.manader", "fann 0, väntade ett heltal 1–11"),
        ("uppfoljning.aldersgrupper.BUF", 'väntade en lista, t.ex. ["18-24", "25-"]'),
        ("uppfoljning.aldersgrupper.EB",
         "fann '18 till 24', väntade en åldersgrupp som \"18-24\", \"65-\" eller \"80+\""),
        ("uppfoljning.aldersgrupper.EB", "fann '30-20': slutåldern är lägre än början")])
    assert all(p.file == SOURCE for p in raised.value.problems)


def test_bands_apply_in_their_omrade_only():
    settings = parse_settings({"aldersgrupper": {"EB": ["18-24", "25-34"]}}, SOURCE)
    person = pl.DataFrame({"person_id": ["a", "b", "c", "d"], "alder": [19, 34, 50, None],
                           "aldersgrupp": ["0-19", "20-64", "20-64", "okänd"]})
    rows = pl.DataFrame({"person_id": ["a", "b", "c", "d", "a"],
                         "omrade": ["EB", "EB", "EB", "EB", "BUF"]})
    banded = with_band(rows.lazy(), person, settings).collect()
    assert sorted(banded.select("person_id", "omrade", "aldersgrupp").rows()) == [
        ("a", "BUF", "0-19"), ("a", "EB", "18-24"), ("b", "EB", "25-34"), ("c", "EB", "övriga"),
        ("d", "EB", "okänd")]
