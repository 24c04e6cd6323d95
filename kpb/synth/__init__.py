"""Synthetic municipality generator (`kpb synth`): realistic KPB projects at any size."""

from kpb.synth.generate import SynthSummary, generate

__all__ = ["SynthSummary", "generate"]
