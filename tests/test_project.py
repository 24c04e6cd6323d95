"""kpb.toml: every setting is checked, a misspelling is an error, never ignored."""

from builders import open_with, problems_of


def test_defaults(tmp_path):
    project = open_with(tmp_path, 'kommun = "Lillby"\n')
    assert project.pseudonym.redan_pseudonym is False
    assert project.source("ledger").kodning == "auto"
    assert project.sie.dimensioner == {1: "ansvar"}


def test_a_quoted_boolean_is_an_error_not_true(tmp_path):
    found = problems_of(tmp_path, '[pseudonym]\nredan_pseudonym = "false"\n')
    assert found == ["kpb.toml: pseudonym.redan_pseudonym: fann 'false', "
                     "väntade true eller false (utan citattecken)"]


def test_misspelt_column_mapping_is_an_error(tmp_path):
    found = problems_of(tmp_path, '[kalla.aktivitet]\nkolumner = { timar = "Tid" }\n')
    assert len(found) == 1 and "kalla.aktivitet.kolumner.timar: okänd inställning" in found[0]


def test_every_unknown_key_is_reported_at_once(tmp_path):
    found = problems_of(tmp_path, 'kommunn = "x"\n[pseudonym]\nnyckel = "k"\n'
                                  '[kalla.ledger]\nsep = ";"\n[sie]\ndim = 1\n')
    assert {f.split(": ")[1] for f in found} == {"kommunn", "pseudonym.nyckel",
                                                 "kalla.ledger.sep", "sie.dim"}


def test_sie_dimensions_by_number(tmp_path):
    project = open_with(tmp_path, '[sie]\ndimensioner = { 1 = "ansvar", 20 = "verksamhet" }\n')
    assert project.sie.dimensioner == {1: "ansvar", 20: "verksamhet"}
