"""regler/<year>.toml -> a frozen, fully validated Rules model (formats.md §3)."""

from kpb.rules.keys import key_weights, validate_against_data, with_pool_names
from kpb.rules.model import Insats, Nyckel, Pattern, Pool, Rules, Share
from kpb.rules.reader import parse_rules, read_rules

__all__ = ["Insats", "Nyckel", "Pattern", "Pool", "Rules", "Share", "key_weights",
           "parse_rules", "read_rules", "validate_against_data", "with_pool_names"]
