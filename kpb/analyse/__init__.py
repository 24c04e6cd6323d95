"""Analyses on top of an allocation: households, arbetsmarknad outcomes, Kolada and the
comparison of two years. Each is a sum of person costs (never a new split), computed here and
written by `kpb.write`; `kpb.report` only renders them.
"""
