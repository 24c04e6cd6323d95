"""Fuzz: random SIE records, random bytes and random workbooks as ledger files.

Whatever the file holds, the load either fails with errors that name the file (and the line,
where there is one), or succeeds with a ledger whose total equals an independent sum of the
file's money. Random CSV shapes are left to the CSV reader's own tests.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpb.errors import KpbError
from kpb.load import load_year
from kpb.project import Project

FILE = "data/2024/ledger/hb.se"
HEAD = ('#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#RAR 0 20240101 20241231\n'
        '#DIM 1 "Ansvar"\n#DIM 6 "Projekt"\n')
KONTON = ["1930", "3010", "4010", "5010", "5611"]
OBJECTS = ["{}", '{1 "A"}', '{1 "B"}', '{6 "P"}', '{1 "A" 6 "P"}', '{"1" "Å"}', ""]
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

ore = st.integers(-10**11, 10**11)
# SIE labels are read whatever their case (issue 20: a `#trans` line was dropped)
cased = st.sampled_from([str.upper, str.lower, str.title])
dates = st.builds(lambda m, d: f"2024{m:02}{d:02}", st.integers(1, 12), st.integers(1, 28))


def kronor(amount: int, whole: bool = False) -> str:
    sign = "-" if amount < 0 else ""
    if whole:
        return f"{sign}{abs(amount) // 100}"
    return f"{sign}{abs(amount) // 100}.{abs(amount) % 100:02}"


@st.composite
def trans(draw):
    """(line, amount in öre or None when the amount is garbage)."""
    amount = draw(ore)
    whole = draw(st.booleans())
    if whole:
        amount -= amount % 100 if amount >= 0 else -(-amount % 100)
    garbage = draw(st.sampled_from([None] * 8 + ["12,50", "1.234", "abc", "1e5", "1 234.00",
                                                 "-12 345 678.90"]))
    text = garbage or kronor(amount, whole)
    transdat = draw(st.one_of(st.just(""), dates))
    label = draw(cased)("#TRANS")
    line = f"   {label} {draw(st.sampled_from(KONTON))} {draw(st.sampled_from(OBJECTS))} {text}"
    return (line + (f" {transdat}" if transdat else "")), (None if garbage else amount)


@st.composite
def voucher_files(draw):
    """A SIE 4 file of vouchers, and (expected total in öre, whether it must fail)."""
    lines, total, must_fail = [HEAD], 0, False
    for number in range(1, draw(st.integers(1, 6)) + 1):
        dated = draw(st.sampled_from([True] * 6 + [False]))
        date = draw(dates) if dated else '""'
        rows = draw(st.lists(trans(), min_size=1, max_size=5))
        lines.append(f'{draw(cased)("#VER")} A {number} {date} "Verifikation {number}"\n{{\n')
        lines += [row + "\n" for row, _ in rows]
        lines.append("}\n")
        must_fail |= not dated or any(amount is None for _, amount in rows)
        total += sum(amount or 0 for _, amount in rows)
    return "".join(lines), total, must_fail


@st.composite
def balance_files(draw):
    """A SIE 3 file of #PSALDO: per account and period a {} total with an object breakdown
    covering any part of it, or a breakdown on one dimension without a total."""
    lines, total = [HEAD.replace("#SIETYP 4", "#SIETYP 3")], 0
    for konto in draw(st.lists(st.sampled_from(KONTON), min_size=1, max_size=4, unique=True)):
        period = f"2024{draw(st.integers(1, 12)):02}"
        with_total = draw(st.booleans())
        parts = draw(st.lists(ore, max_size=4, min_size=0 if with_total else 1))
        if with_total:
            account_total = draw(ore)
            lines.append(f"{draw(cased)('#PSALDO')} 0 {period} {konto} {{}} "
                         f"{kronor(account_total)}\n")
            total += account_total
        else:
            total += sum(parts)
        dimension = draw(st.sampled_from(["1", "6"]))
        lines += [f'#PSALDO 0 {period} {konto} {{{dimension} "O{i}"}} {kronor(part)}\n'
                  for i, part in enumerate(parts)]
        if with_total and draw(st.booleans()):  # a second, separate breakdown
            other = "6" if dimension == "1" else "1"
            lines.append(f'#PSALDO 0 {period} {konto} {{{other} "X"}} {kronor(draw(ore))}\n')
    return "".join(lines), total, False


def project(tmp_path: Path, name: str, content: bytes) -> Project:
    (tmp_path / "kpb.toml").write_text(
        'kommun = "Fuzzby"\n[sie]\ndimensioner = { 1 = "ansvar", 6 = "projekt" }\n',
        encoding="utf-8")
    folder = tmp_path / "data" / "2024" / "ledger"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / name).write_bytes(content)
    return Project.open(tmp_path)


def loaded_total_or_errors(tmp_path: Path, name: str, content: bytes):
    try:
        return load_year(project(tmp_path, name, content), 2024).ledger["belopp_ore"].sum(), None
    except KpbError as failure:
        return None, failure.errors


def assert_located(errors, file: str = FILE) -> None:
    assert errors, "a failed load names at least one error"
    assert all(error.file == file for error in errors), [str(e) for e in errors]


@FUZZ
@given(case=st.one_of(voucher_files(), balance_files()), encoding=st.sampled_from(
    ["cp437", "utf-8"]))
def test_random_sie_records_load_their_exact_total_or_fail_at_a_line(tmp_path, case, encoding):
    text, expected, must_fail = case
    total, errors = loaded_total_or_errors(tmp_path, "hb.se", text.encode(encoding))
    if must_fail:
        assert_located(errors)
        assert all(error.line is not None for error in errors), [str(e) for e in errors]
    else:
        assert errors is None, [str(e) for e in errors]
        assert total == expected


@FUZZ
@given(content=st.binary(max_size=3000), suffix=st.sampled_from([".se", ".xlsx"]))
def test_random_bytes_as_a_ledger_are_a_located_error(tmp_path, content, suffix):
    total, errors = loaded_total_or_errors(tmp_path, "hb" + suffix, content)
    if errors is None:  # only a file that happens to hold SIE records can load
        assert suffix == ".se" and (b"#TRANS" in content.upper()
                                    or b"#PSALDO" in content.upper())
    else:
        assert_located(errors, FILE.replace(".se", suffix))


def test_the_fuzz_finds_the_money_of_a_known_file(tmp_path):
    text = HEAD + '#VER A 1 20240105 ""\n{\n#TRANS 5010 {} 1000.50\n#TRANS 1930 {} -1000\n}\n'
    assert loaded_total_or_errors(tmp_path, "hb.se", text.encode()) == (50, None)
    lower = text.replace("#VER", "#ver").replace("#TRANS 1930", "#trans 1930")
    assert loaded_total_or_errors(tmp_path, "hb.se", lower.encode()) == (50, None)


# -- XLSX: whatever range a workbook declares and whatever it hides, the visible rows count --

@st.composite
def workbooks(draw):
    """(workbook bytes, expected total in öre, visible rows): visible sheets of ledger rows, hidden sheets
    of other rows, and a declared range on every sheet that may be stale, `A1` or missing."""
    import io

    import openpyxl

    workbook, expected, visible = openpyxl.Workbook(), 0, 0
    workbook.remove(workbook.active)
    sheets = draw(st.lists(st.booleans(), min_size=1, max_size=4))  # True: hidden
    if all(sheets):
        sheets[0] = False
    for number, hidden in enumerate(sheets):
        sheet = workbook.create_sheet(f"Blad{number + 1}")
        sheet.append(["period", "konto", "belopp"])
        amounts = draw(st.lists(ore, max_size=30))
        for amount in amounts:
            sheet.append([f"2024{draw(st.integers(1, 12)):02}", draw(st.sampled_from(KONTON)),
                          kronor(amount).replace(".", ",")])
        if hidden:
            sheet.sheet_state = draw(st.sampled_from(["hidden", "veryHidden"]))
        else:
            expected, visible = expected + sum(amounts), visible + len(amounts)
    buffer = io.BytesIO()
    workbook.save(buffer)
    ref = draw(st.sampled_from(["A1", "A1:C2", "B3:B4", None]))
    return _declared(buffer.getvalue(), ref), expected, visible


def _declared(content: bytes, ref: str | None) -> bytes:
    import io
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>',
                              f'<dimension ref="{ref}"/>'.encode() if ref else b"", data)
            new.writestr(item, data)
    return out.getvalue()


@FUZZ
@given(case=workbooks())
def test_an_xlsx_ledger_loads_its_visible_rows_whatever_range_it_declares(tmp_path, case):
    content, expected, visible = case
    total, errors = loaded_total_or_errors(tmp_path, "hb.xlsx", content)
    if visible == 0:  # no visible row at all: the ledger is refused as empty
        assert_located(errors, FILE.replace(".se", ".xlsx"))
    else:
        assert errors is None, [str(e) for e in errors]
        assert total == expected
