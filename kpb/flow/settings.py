"""Settings the check and the analyses both read, completed from the rules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HouseholdSettings:
    """Which insatser are the payments and the handläggning, and the långvarig threshold."""

    bistand: tuple[str, ...]
    handlaggning: tuple[str, ...]
    langvarigt_manader: int = 10


def settings_for(configured, rules) -> HouseholdSettings:
    """kpb.toml's [hushall] (kpb.project.HushallSettings) completed from the rules: without a
    list, the insatser of omrade "EB" are the bistånd (enhet kronor) and handläggning (other)."""
    eb = {kod: insats.enhet for kod, insats in rules.insatser.items() if insats.omrade == "EB"}
    bistand = configured.bistand
    if bistand is None:
        bistand = tuple(sorted(k for k, enhet in eb.items() if enhet == "kronor"))
    handlaggning = configured.handlaggning
    if handlaggning is None:
        handlaggning = tuple(sorted(k for k, enhet in eb.items() if enhet != "kronor"))
    return HouseholdSettings(bistand, handlaggning, configured.langvarigt_manader)
