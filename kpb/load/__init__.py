"""The load stage: files of a project year -> validated, pseudonymised Polars frames.

This module only hands names on; the stage's parts, in the order a file travels:

- folder.py: a source folder's entries, each read by its type or named in a problem;
- csvtext.py (the contract between csvfile.py, a CSV read whole, and csvpieces.py, a big
  CSV read a piece at a time), xlsxfile.py, sie.py: a file -> text tables (textfile.py);
- sources.py, parse.py, columns.py, spellings.py: text -> typed rows and their problems;
- persons.py, pseudonym.py, personnummer.py, stray_ids.py: personnummer -> pseudonyms;
- year.py: load_year, which runs all of it for a project year and returns `Loaded`;
- database.py: `Loaded` <-> the tables of kpb.duckdb;
- side_inputs.py: the optional kolada/*.csv and befolkning.csv, read once per run.
"""

from kpb.load.year import Loaded, height, load_year

__all__ = ["Loaded", "height", "load_year"]
