"""Values a command cannot use are named before it starts, in Swedish, exit 1: a year that is
no verksamhetsår, a synthetic municipality larger than the machine's memory, a negative seed,
an earlier year that is not earlier; a pseudonym is never taken for a personnummer."""

import pytest
from click.testing import CliRunner

from kpb.cli import main
from kpb.text.explain import _shown


@pytest.mark.parametrize("arguments, told", [
    (["synth", "--invanare", "1000000000", "--out", "ut"], "GiB minne, maskinen har"),
    (["synth", "--invanare", "100", "--seed", "-1", "--out", "ut"], "--seed: fann -1"),
    (["synth", "--invanare", "100", "--tidigare", "2030", "--out", "ut"],
     "--tidigare: fann 2030, väntade ett år före 2024"),
    (["synth", "--invanare", "100", "--year", "0", "--out", "ut"],
     "fann 0, väntade ett verksamhetsår mellan 1900 och 2100"),
    (["vem", "19121212-1212", "0"], "fann 0, väntade ett verksamhetsår"),
    (["compute", "20024"], "fann 20024, väntade ett verksamhetsår"),
])
def test_a_value_kpb_cannot_use_is_named_before_anything_runs(tmp_path, arguments, told):
    result = CliRunner().invoke(main, [a.replace("ut", str(tmp_path / "ut")) if a == "ut" else a
                                       for a in arguments])
    assert result.exit_code == 1, result.output
    assert told in result.output and "Traceback" not in result.output
    assert not (tmp_path / "ut").exists()


@pytest.mark.parametrize("pseudonym", ["3f2a118840931c7be2d0", "a1234567890bcdef1234"])
def test_a_pseudonym_with_digits_is_not_taken_for_a_personnummer(pseudonym):
    assert _shown(pseudonym) == pseudonym


def test_a_personnummer_given_to_explain_is_masked():
    assert _shown("19121212-1212").startswith("19121212-****")
