"""Disclosure control for the published report (`kpb rapport --publicera`).

A table that describes persons declares a `Disclosure`: which column counts the persons of a
row, which columns describe them (hidden together when the row is protected), and, for the
dominance rule, the row's cost and its largest single person's cost. Rules:

- primary: a row describing 1 or 2 persons is protected (rows of 0 persons are published);
  so is a row where one person carries more than half of the row's cost (dominance). Both
  thresholds are a `Rule`, from kpb.toml [publicering] minsta_antal and dominans (default 3
  persons and 50 %); the rule's persons replace "1 or 2" and "3" below;
- secondary: wherever published figures add up, a protected row must not be recomputable
  from the sum and the published rows. A sum is a table's total row, a subtotal row (the
  table's DELSUMMA rows), or a row of *another* table that sums a group of this table's rows
  (a `Margin`: Ytterfall's brukare per område are the sums of Brukare's rows of that område).
  With S the protected rows of such a group and R = sum − Σ published (= Σ over S), every
  protected count can still take two values when |S| ≥ 2 and R ≥ |S| + 1 (each is at least
  1, as rows of 0 persons are never protected); the cost of a protected row is unknown when
  |S| ≥ 2. Until both hold, the published row with the fewest persons (at least one) is
  protected too; when none is left, the sum is protected as well. The difference of two
  nested sums is a sum too; and since sums overlap (områden and age bands), every protected
  row must also stay open over all of them at once: not a linear combination of the sums
  (its count and cost would follow exactly) and able to take another count (each at least
  1) that agrees with every published sum. Conversely a protected sum must not follow from
  its rows: a group whose rows are all published, with a protected sum, has one protected too.

`publish_all` runs this over every published table at once (a table marked
`publish=False`, the flows and shifts between two KPB years, is left out of the
publication), until no group of any table is unsafe (protecting a sum in one table may make a
group of another unsafe). `publish` protects one table on its own. A table of single persons
(`Table.internal`) is published without rows.

Protected cells are shown as `..` with a note; the internal report stays complete.

Charts are part of the publication: a chart is drawn from its table's published frame, never
from the internal figures. Its value column is nulled in a protected row like the columns the
table hides (`_published`), so the web page's SVG draws that bar as `..` without a bar, and
the workbook's chart reads the sheet's cells, where the row holds `..` (Excel plots it as an
empty bar; its label says ..). A curve (the distribution curve) with a withheld point is not
drawn at all, as its shape between the published points would show the withheld ones.
tests/test_rapport_publish_charts.py renders `kpb rapport --publicera` and reads every chart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

import polars as pl

from kpb.money import swedish_decimal

# The default thresholds of the published version (kpb.toml [publicering] minsta_antal and
# dominans, kpb.project.KEYS): 3 persons, one person over 50 % of a row's cost.
MIN_PERSONS = 3
DOMINANCE = Fraction(1, 2)  # one person carrying more than this share of a row's cost
PROTECTED = "skyddad"  # the boolean column marking protected rows
DELSUMMA = "delsumma"  # = kpb.report.table_model.DELSUMMA (rows summing the rows above)


@dataclass(frozen=True)
class Rule:
    """The primary thresholds: a figure of fewer than `persons` persons (and more than none),
    or where one person carries more than `dominance` of the cost, is withheld."""

    persons: int = MIN_PERSONS
    dominance: Fraction = DOMINANCE

    @classmethod
    def of(cls, project) -> Rule:
        """The rule of a project's kpb.toml ([publicering])."""
        settings = project.publicering
        return cls(settings.minsta_antal, Fraction(settings.dominans))

    def share_text(self) -> str:
        """"hälften", or the share in per cent ("60 %", "66,7 %")."""
        if self.dominance == Fraction(1, 2):
            return "hälften"
        percent = Decimal(self.dominance.numerator * 100) / Decimal(self.dominance.denominator)
        text = swedish_decimal(percent, 1)
        return text.removesuffix(",0") + " %"

    def note(self) -> str:
        """The note beside every published table that protects persons."""
        return (f"..: uppgiften visas inte (färre än {self.persons} personer, en person bär mer "
                f"än {self.share_text()} av kostnaden, eller sekundärt skydd så att den inte "
                "kan räknas fram ur en summa i samma eller en annan tabell).")


DEFAULT_RULE = Rule()
NOTE = DEFAULT_RULE.note()  # the note under the default rule
INTERNAL_NOTE = ("Visas bara i den interna rapporten: en rad här är en person. Den publicerade "
                 "versionen har inga rader.")


@dataclass(frozen=True)
class Margin:
    """This table's rows grouped by `column` sum to rows of the table `table`: the row whose
    `key` is the group's value, or, with `values`, the row whose key is named there together
    with the values it sums (("65 år och äldre", ("65-79", "80+")), ...)."""

    column: str
    table: str
    key: str
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Disclosure:
    count: str  # persons per row
    hide: tuple[str, ...]  # columns hidden in a protected row (the count included)
    cost: str | None = None  # the row's cost, for dominance
    largest: str | None = None  # the row's largest single person's cost, for dominance
    total_row: bool = False  # the last row is the total of the rows above it
    margins: tuple[Margin, ...] = ()  # groups of rows summed in other tables
    also: tuple[str, ...] = ()  # other columns counting persons: each 0 or at least 3


def primary(counts: list[int], costs: list | None = None, largest: list | None = None,
            rule: Rule = DEFAULT_RULE) -> list[bool]:
    """Rows of 1 to `rule.persons` − 1 persons, or where the largest person's cost is more
    than `rule.dominance` of the row's cost (exact: costs are Decimal or integer öre)."""
    protect = [1 <= c < rule.persons for c in counts]
    if costs is not None and largest is not None:
        protect = [p or (cost is not None and big is not None and Fraction(cost) > 0
                         and Fraction(big) > rule.dominance * Fraction(cost))
                   for p, cost, big in zip(protect, costs, largest)]
    return protect


def protected_rows(counts: list[int], costs: list | None = None,
                   largest: list | None = None, total_row: bool = False,
                   rule: Rule = DEFAULT_RULE) -> list[bool]:
    """Which rows of one table to protect (see the module text); a handful of rows."""
    n = len(counts)
    protect = primary(counts, costs, largest, rule)
    if not total_row or n == 0:
        return protect
    if protect[-1]:  # the whole table describes fewer persons than the rule's
        return [True] * n
    _settle({"t": counts}, {"t": protect},
            [Group("t", frozenset(range(n - 1)), ((("t", n - 1),),))])
    return protect


@dataclass(frozen=True)
class Group:
    """Rows `members` of table `table` sum to a published figure, found in one of `ways`:
    each a set of (table, row) sums that give it when all are published (one row for a
    total, two for the difference of two nested groups)."""

    table: str
    members: frozenset[int]
    ways: tuple[tuple[tuple[str, int], ...], ...]


def _settle(counts: dict[str, list[int]], protect: dict[str, list[bool]],
            groups: list[Group]) -> None:
    """Protect more rows until no published sum gives a protected row away (in place): every
    group, and the difference of two nested groups, is safe, and no protected row is a linear
    combination of the published sums (which would give its count and cost exactly)."""
    groups = _with_differences(groups)
    changed = True
    while changed:
        changed = _protect_unsafe_groups(counts, protect, groups)
        changed = _protect_determined(counts, protect, groups) or changed
        changed = _protect_pinned(counts, protect, groups) or changed
        changed = _empty_protected_totals(protect, groups) or changed
        changed = _protect_computable_sums(counts, protect, groups) or changed


def _protect_computable_sums(counts, protect, groups: list[Group]) -> bool:
    """A protected sum must not follow from its published rows: when every row of a group is
    published and its sum is one protected figure (a withheld insats in Kostnad per insats
    whose pools are all published in Insatser), the group's published row with the fewest
    persons is protected too. (Ways of several figures are unions that lost their signs, so
    only a single-figure way is read this way.)"""
    changed = False
    for group in groups:
        flags, mine = protect[group.table], counts[group.table]
        if any(flags[i] for i in group.members):
            continue
        if not any(mine[i] > 0 for i in group.members):
            continue
        if any(len(way) == 1 and protect[way[0][0]][way[0][1]] for way in group.ways):
            _protect_one_more(counts, protect, group)
            changed = True
    return changed


def _empty_protected_totals(protect, groups: list[Group]) -> bool:
    """A protected total of a table leaves none of its rows published."""
    changed = False
    for group in groups:
        flags = protect[group.table]
        for way in group.ways:
            if len(way) == 1 and way[0][0] == group.table and flags[way[0][1]]:
                for i in group.members:
                    changed = changed or not flags[i]
                    flags[i] = True
    return changed


MAX_GROUPS = 400  # the differences considered per publication
MAX_WAYS = 6


def _with_differences(groups: list[Group]) -> list[Group]:
    """The groups (one per set of rows, with every way of knowing its sum) and the
    differences of nested ones (B ∖ A is known when A and B are)."""
    found: dict[tuple[str, frozenset[int]], set] = {}
    for g in groups:
        if g.members:
            found.setdefault((g.table, g.members), set()).update(g.ways)
    added = True
    while added and len(found) < MAX_GROUPS:
        added = False
        for (table, a), a_ways in list(found.items()):
            for (other, b), b_ways in list(found.items()):
                if table != other or not a < b:
                    continue
                ways = found.setdefault((table, b - a), set())
                before = len(ways)
                for x in sorted(a_ways)[:MAX_WAYS]:
                    for y in sorted(b_ways)[:MAX_WAYS]:
                        if len(ways) < MAX_WAYS:
                            ways.add(tuple(sorted(set(x + y))))
                added = added or len(ways) > before
    return [Group(table, members, tuple(sorted(ways)))
            for (table, members), ways in sorted(found.items(), key=lambda kv: (
                kv[0][0], len(kv[0][1]), sorted(kv[0][1])))]


def _published_sum(protect: dict[str, list[bool]], group: Group) -> bool:
    return any(not any(protect[table][row] for table, row in way) for way in group.ways)


def _protect_unsafe_groups(counts, protect, groups: list[Group]) -> bool:
    changed, again = False, True
    while again:
        again = False
        for group in groups:
            if not _published_sum(protect, group):
                continue  # the sum is not published: nothing to difference
            mine, flags = counts[group.table], protect[group.table]
            if _safe([i for i in group.members if flags[i]], mine):
                continue
            _protect_one_more(counts, protect, group)
            changed = again = True
    return changed


def _protect_one_more(counts, protect, group: Group) -> None:
    """The published row of the group with the fewest persons, or else its sum (one row of
    every way it is known)."""
    mine, flags = counts[group.table], protect[group.table]
    published = [i for i in group.members if not flags[i] and mine[i] > 0]
    if published:
        flags[min(published, key=lambda i: (mine[i], i))] = True
        return
    for way in group.ways:
        if not any(protect[table][row] for table, row in way):
            table, row = way[0]
            protect[table][row] = True


def _protect_determined(counts, protect, groups: list[Group]) -> bool:
    """A protected row whose figures follow exactly from the published sums (its row is a
    combination of the sums' rows) takes one more row of one of its groups."""
    for table in protect:
        active = [g for g in groups if g.table == table and _published_sum(protect, g)]
        hidden = sorted({i for g in active for i in g.members if protect[table][i]})
        for row in _determined(hidden, [g.members for g in active]):
            group = next(g for g in active if row in g.members)
            _protect_one_more(counts, protect, group)
            return True
    return False


def _protect_pinned(counts, protect, groups: list[Group]) -> bool:
    """A protected count that no other assignment of the protected counts (each at least 1)
    agrees with, given every published sum, takes one more row of one of its groups: e.g.
    x + y = 3 and y + z = 4 and z + w = 3 pin x = 1 when y and z are 2."""
    for table in protect:
        active = [g for g in groups if g.table == table and _published_sum(protect, g)]
        hidden = sorted({i for g in active for i in g.members if protect[table][i]})
        sums = [frozenset(g.members & set(hidden)) for g in active]
        for row in hidden:
            if not _another_count(row, hidden, sums, counts[table]):
                group = next(g for g in active if row in g.members)
                _protect_one_more(counts, protect, group)
                return True
    return False


SEARCH_BUDGET = 20_000  # nodes per protected row; a row not settled within it counts as pinned


def _another_count(row: int, hidden: list[int], sums: list[frozenset[int]],
                   counts: list[int]) -> bool:
    """Whether a change d of the protected counts exists with d[row] ≠ 0, every published sum
    unchanged (Σ d over its rows = 0) and every count still at least 1 (steps up to 2)."""
    relevant = [members for members in sums if members]
    order = [row] + [i for i in hidden if i != row]
    low = {i: max(-2, 1 - counts[i]) for i in hidden}
    change: dict[int, int] = {}
    budget = [SEARCH_BUDGET]

    def feasible() -> bool:
        for members in relevant:
            fixed = sum(change[i] for i in members if i in change)
            open_rows = [i for i in members if i not in change]
            if not fixed + sum(low[i] for i in open_rows) <= 0 <= fixed + 2 * len(open_rows):
                return False
        return True

    def search(k: int) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if k == len(order):
            return True
        i = order[k]
        steps = (1, -1, 2, -2) if k == 0 else (0, 1, -1, 2, -2)
        for step in steps:
            if step < low[i]:
                continue
            change[i] = step
            if feasible() and search(k + 1):
                return True
        del change[i]
        return False

    return search(0)


def _determined(hidden: list[int], sums: list[frozenset[int]]) -> list[int]:
    """The hidden rows a reader can solve for: unit rows of the reduced row echelon form of
    the published sums over the hidden rows (exact integer elimination)."""
    position = {row: k for k, row in enumerate(hidden)}
    matrix = [[Fraction(1 if row in members else 0) for row in hidden] for members in sums]
    pivots, r = [], 0
    for column in range(len(hidden)):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][column]), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][column]
        matrix[r] = [value / lead for value in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][column]:
                factor = matrix[i][column]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r])]
        pivots.append(column)
        r += 1
    solved = [hidden[c] for i, c in enumerate(pivots)
              if sum(1 for value in matrix[i] if value) == 1]
    return sorted(solved, key=lambda row: position[row])


def _safe(protected: list[int], counts: list[int]) -> bool:
    if not protected:
        return True
    residual = sum(counts[i] for i in protected)
    return len(protected) >= 2 and residual >= len(protected) + 1


def publish(table, rule: Rule = DEFAULT_RULE):
    """One table as published, protected on its own (see `publish_all`)."""
    return publish_all([table], rule)[0]


def publish_all(tables: list, rule: Rule = DEFAULT_RULE) -> list:
    """Every table of the publication protected in one pass: a total in one table counts
    against the cells of another (`Margin`), and every table's own totals and subtotals.
    `rule`: the thresholds of kpb.toml [publicering] (`Rule.of(project)`). A table marked
    `publish=False` (kpb.report.table_model.Table) is left out of the publication."""
    tables = [t for t in tables if getattr(t, "publish", True)]
    shown = {t.key: t for t in tables if t.disclosure is not None and not t.internal}
    counts = {k: t.frame[t.disclosure.count].fill_null(0).cast(pl.Int64).to_list()
              for k, t in shown.items()}
    protect = {k: primary(counts[k], _column(t, t.disclosure.cost),
                          _column(t, t.disclosure.largest), rule) for k, t in shown.items()}
    for key, table in shown.items():
        for name in table.disclosure.also:
            small = primary(table.frame[name].fill_null(0).cast(pl.Int64).to_list(), rule=rule)
            protect[key] = [a or b for a, b in zip(protect[key], small)]
    groups = [g for t in shown.values() for g in _own_groups(t)]
    groups += [g for t in shown.values() for g in _margin_groups(t, shown)]
    _settle(counts, protect, groups)
    return [_published(t, protect.get(t.key), rule) for t in tables]


def _column(table, name: str | None) -> list | None:
    return table.frame[name].to_list() if name else None


def _own_groups(table) -> list[Group]:
    """The table's total row, or its DELSUMMA rows: each sums the rows above it that are not
    subtotals themselves."""
    frame, key = table.frame, table.key
    if DELSUMMA in frame.columns:
        spans = frame[DELSUMMA].to_list()
        return [Group(key, frozenset(i for i in range(r - span, r) if spans[i] is None),
                      (((key, r),),)) for r, span in enumerate(spans) if span]
    if table.disclosure.total_row and frame.height:
        return [Group(key, frozenset(range(frame.height - 1)),
                      (((key, frame.height - 1),),))]
    return []


def _margin_groups(table, shown: dict) -> list[Group]:
    groups = []
    frame = table.frame
    plain = (frame[DELSUMMA].is_null().to_list() if DELSUMMA in frame.columns
             else [True] * frame.height)
    if table.disclosure.total_row and DELSUMMA not in frame.columns and frame.height:
        plain[-1] = False
    for margin in table.disclosure.margins:
        other = shown.get(margin.table)
        if other is None:
            continue
        values = frame[margin.column].to_list()
        keys = other.frame[margin.key].to_list()
        sums = dict(margin.values) or {v: (v,) for v in set(values) if v is not None}
        for target, members in sums.items():
            if target not in keys:
                continue
            rows = frozenset(i for i, v in enumerate(values) if plain[i] and v in members)
            groups.append(Group(table.key, rows, (((other.key, keys.index(target)),),)))
    return groups


def _published(table, protect: list[bool] | None, rule: Rule = DEFAULT_RULE):
    if table.internal:
        return replace(table, frame=table.frame.head(0), notes=(INTERNAL_NOTE,), chart=None)
    spec = table.disclosure
    if spec is None or protect is None:
        return table
    hide = spec.hide
    chart = table.chart
    if chart is not None and chart.value not in hide:  # a chart shows what the table shows
        hide = (*hide, chart.value)
        spec = replace(spec, hide=hide)
    if chart is not None and chart.kind == "line" and any(protect):
        chart = None  # a curve through the published points would outline the withheld ones
    mask = pl.Series(PROTECTED, protect, dtype=pl.Boolean)
    frame = table.frame.with_columns(mask).with_columns(
        [pl.when(pl.col(PROTECTED)).then(None).otherwise(pl.col(c)).alias(c) for c in hide])
    if spec.largest:
        frame = frame.drop(spec.largest)
    texts = table.texts
    if "text" in frame.columns:  # sentences stating a row's figures go with the row
        texts = tuple(text for text in frame["text"].to_list() if text)
    return replace(table, frame=frame, notes=(*table.notes, rule.note()), texts=texts,
                   chart=chart, disclosure=spec)
