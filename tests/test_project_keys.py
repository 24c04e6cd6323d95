"""kpb.toml's keys are declared once (kpb.project.KEYS): the parse, the unknown-key errors, the
defaults and README's kpb.toml block all come from that declaration; and every path of a
project comes from `Project`."""

import dataclasses
import tomllib
from pathlib import Path

import pytest

from kpb.project import KEYS, SOURCES, Project, readme_with_example, toml_example

from builders import open_with, problems_of

README = Path(__file__).parents[1] / "README.md"




def test_readme_block_is_what_the_declaration_writes():
    readme = README.read_text(encoding="utf-8")
    assert toml_example() in readme
    # if this fails, run: python3 -m kpb.project README.md
    assert readme_with_example(readme) == readme


def test_the_example_names_every_declared_key_and_opens_without_a_problem(tmp_path):
    example = toml_example()
    parsed = tomllib.loads(example)
    for key in KEYS:
        table = parsed
        for part in key.name.replace("*", "ledger").split("."):
            table = table[part]  # a KeyError names a key the README leaves out
    project = open_with(tmp_path, example)
    assert project.kommun == "Exempelkommun" and project.invanare == 15000
    assert project.source("ledger").kolumner == {"belopp": "Utfall", "konto": "Konto"}
    assert project.jamfor.index[2024] / project.jamfor.index[2022] == pytest.approx(1.104)


def test_a_missing_key_takes_the_declared_default(tmp_path):
    project = open_with(tmp_path, "[kalla.ledger]\n")
    values = {"": project, "pseudonym": project.pseudonym, "kalla.*": project.source("ledger"),
              "kontroll": project.kontroll, "sie": project.sie, "hushall": project.hushall,
              "jamfor": project.jamfor, "utfall": project.utfall, "kolada": project.kolada,
              "publicering": project.publicering}
    for key in KEYS:
        assert getattr(values[key.table], key.leaf) == key.default, key.name


def test_the_settings_classes_hold_exactly_the_declared_keys():
    project = Project(Path("."))
    for table in {key.table for key in KEYS} - {""}:
        settings = (project.source("ledger") if table == "kalla.*"
                    else getattr(project, table))
        fields = {f.name for f in dataclasses.fields(settings)}
        assert fields == {key.leaf for key in KEYS if key.table == table}, table


def test_an_unknown_key_names_the_declared_keys_of_its_table(tmp_path):
    assert problems_of(tmp_path, "[hushall]\nbistnd = []\n") == [
        "kpb.toml: hushall.bistnd: okänd inställning, väntade en av bistand, handlaggning, "
        "langvarigt_manader"]
    assert problems_of(tmp_path, 'kommunn = "x"\n')[0].startswith(
        "kpb.toml: kommunn: okänd inställning, väntade en av kommun, kommunkod, invanare, kalla, ")


def test_a_key_of_one_source_only_is_unknown_for_the_others(tmp_path):
    assert problems_of(tmp_path, '[kalla.direkt]\nperiod = "helar"\n') == [
        "kpb.toml: kalla.direkt.period: okänd inställning, väntade en av kolumner, kodning, "
        "separator, decimal, pseudonymisera"]
    assert open_with(tmp_path, '[kalla.ledger]\nperiod = "helar"\n').source(
        "ledger").period == "helar"


def test_every_wrong_value_is_reported_at_once(tmp_path):
    found = problems_of(tmp_path, 'invanare = -1\n[kalla.aktivitet]\nkodning = "ascii"\n'
                                  '[pseudonym]\nogiltigt_id = "ja"\n[jamfor]\nindex = { 2024 = 1 }\n')
    assert sorted(f.split(": ")[1] for f in found) == [
        "invanare", "jamfor.prisindex", "kalla.aktivitet.kodning", "pseudonym.ogiltigt_id"]


def test_every_path_of_the_project_comes_from_project(tmp_path):
    project = Project(tmp_path)
    assert project.settings_file == tmp_path / "kpb.toml"
    assert project.database == tmp_path / "kpb.duckdb"
    assert project.lock_file == tmp_path / ".kpb.lock"
    assert project.tmp_dir == tmp_path / ".kpb-tmp"
    assert project.cache_dir == tmp_path / ".kpb-cache"
    assert project.store_dir == tmp_path / ".kpb-lager"
    assert project.rules_file(2024) == tmp_path / "regler" / "2024.toml"
    assert project.data_dir(2024) == tmp_path / "data" / "2024"
    assert [project.data_dir(2024, s).name for s in SOURCES] == list(SOURCES)
    assert project.population_file(2024) == tmp_path / "data" / "2024" / "befolkning.csv"
    assert project.kolada_dir == tmp_path / "kolada"
    assert project.ut == tmp_path / "ut"
    assert project.output_dir(2024) == tmp_path / "ut" / "2024"
    assert project.comparison_dir(2022, 2024) == tmp_path / "ut" / "jamfor_2022_2024"
    assert project.key_file == tmp_path / "kpb.key"
    assert [p.name for p in project.own_folders] == ["ut", "data", "regler", "kolada",
                                                     ".kpb-tmp", ".kpb-cache", ".kpb-lager"]
    assert [p.name for p in project.own_files] == ["kpb.toml", "kpb.duckdb", ".kpb.lock",
                                                   "kpb.key"]
