"""What `kpb compute` prints about the year's households and outcomes (a summary section)."""

from __future__ import annotations


def effect_summary(allocation) -> list:
    """What `kpb compute` prints about the households and the outcomes of the year."""
    from kpb.money import format_sek
    from kpb.text.summary import Section

    rows = []
    households = allocation.hushall
    if households is not None and households.height:
        lang = int(households["langvarigt_bistand"].sum())
        rows.append(("hushåll", (f"{households.height}, varav {lang} med långvarigt bistånd "
                                 f"({_percent(lang, households.height)})")))
    outcomes = allocation.utfall_insats
    if outcomes is not None and outcomes.height:
        ended, positive = int(outcomes["avslut"].sum()), int(
            outcomes["avslut_arbete_eller_studier"].sum())
        cost = int(outcomes["kostnad_ore"].sum())
        per = f"{format_sek(_rounded(cost, positive))} kr" if positive else "–"
        rows += [("deltagare", f"{int(outcomes['deltagare'].sum())} i arbetsmarknadsinsatser"),
                 ("avslut", (f"{ended}, varav {positive} till arbete eller studier "
                             f"({_percent(positive, ended)})")),
                 ("per avslut", f"{per} per avslut till arbete eller studier")]
    return [Section("Hushåll och utfall", rows)] if rows else []


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "–"
    tenths = (2000 * part + whole) // (2 * whole)  # half up, in tenths of a percent
    return f"{tenths // 10},{tenths % 10} %"


def _rounded(ore: int, count: int) -> int:
    return (2 * ore + count) // (2 * count)
