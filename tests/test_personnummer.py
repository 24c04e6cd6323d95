import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpb.load import personnummer as pnr


def check(numbers: list[str], year: int = 2024) -> pl.DataFrame:
    number = pnr.normalised(pl.col("raw"), year)
    born = pnr.fodelsear(number)
    return pl.DataFrame({"raw": numbers}, schema={"raw": pl.Utf8}).select(
        number.alias("pnr"), pnr.is_valid(number).alias("valid"), pnr.kon(number).alias("kon"),
        born.alias("fodelsear"), pnr.aldersgrupp(pnr.alder(born, year)).alias("grupp"))


@pytest.mark.parametrize("number", ["640823-3234", "811218-9876", "701063-2391",
                                    "750570-1834", "750510-1837"])
def test_vectors_from_the_method_brief_have_a_valid_check_digit(number):
    assert check([number])["valid"].to_list() == [True]


def test_750510_1837_is_a_personnummer_but_not_a_samordningsnummer():
    # the KPB method brief: "not a valid samordningsnummer": the day must be over 60
    number = pnr.normalised(pl.col("raw"), 2024)
    frame = pl.DataFrame({"raw": ["750510-1837", "750570-1834"]}).select(
        pnr.is_samordningsnummer(number).alias("samordning"))
    assert frame["samordning"].to_list() == [False, True]


@pytest.mark.parametrize("number", ["640823-3235", "811218-9870", "701063-2390",
                                    "750570-1837", "640832-3234", "20240230-1234", "12345",
                                    "6408233234x", ""])
def test_wrong_check_digit_date_or_shape_is_invalid(number):
    assert check([number])["valid"].to_list() == [False]


def test_spellings_normalise_to_twelve_digits():
    spellings = ["640823-3234", "6408233234", "196408233234", "19640823-3234", " 640823 3234 "]
    assert check(spellings)["pnr"].unique().to_list() == ["196408233234"]


def test_century_from_age_at_year_end_and_plus_sign():
    result = check(["240101-1234", "250101-1234", "240101+1234"], year=2024)
    assert result["fodelsear"].to_list() == [2024, 1925, 1924]


def test_kon_from_ninth_digit_and_age_groups():
    result = check(["640823-3234", "640823-3242", "100101-1236", "440101-1234", "300101-1234"])
    assert result["kon"][:2].to_list() == ["M", "K"]
    assert result["grupp"].to_list() == ["20-64", "20-64", "0-19", "80+", "80+"]
    assert check(["500101-1234"])["grupp"].to_list() == ["65-79"]


def test_mask_keeps_birth_date_only():
    assert pnr.mask("196408233234") == "19640823-****"
    assert pnr.mask("640823-3234") == "640823-****"
    assert "3234" not in pnr.mask("64082-33234")


def luhn_digit(nine: str) -> str:
    total = sum(sum(divmod(int(d) * (2 - i % 2), 10)) for i, d in enumerate(nine))
    return str((10 - total % 10) % 10)


numbers = st.builds(
    lambda born, serial, samordning: (born.strftime("%Y%m%d") if not samordning else
                                      born.strftime("%Y%m") + f"{born.day + 60:02}") + serial,
    st.dates(min_value=__import__("datetime").date(1925, 1, 1),
             max_value=__import__("datetime").date(2024, 12, 31)),
    st.from_regex(r"\A[0-9]{3}\Z"), st.booleans())


@settings(max_examples=200, deadline=None)
@given(numbers, st.integers(1, 9))
def test_generated_numbers_validate_and_any_other_check_digit_fails(eleven, shift):
    valid = eleven + luhn_digit(eleven[2:])
    wrong = eleven + str((int(valid[-1]) + shift) % 10)
    dashed = valid[2:8] + "-" + valid[8:]
    result = check([valid, dashed, wrong])
    assert result["valid"].to_list() == [True, True, False]
    assert result["pnr"][1] == valid
