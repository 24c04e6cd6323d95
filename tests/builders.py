"""Small project folders written by tests: kpb.toml plus data files, inline."""

from pathlib import Path

from kpb.project import Project


def write_project(tmp_path: Path, toml: str = "", **files: bytes | str) -> Project:
    """A project in tmp_path with `toml` after a kommun line and `files` under data/2024/
    (e.g. `**{"aktivitet/a.csv": "..."}`); a one-row ledger unless one is given."""
    (tmp_path / "kpb.toml").write_text('kommun = "Testby"\n' + toml, encoding="utf-8")
    files.setdefault("ledger/hb.csv", "period;konto;belopp\n202401;5010;1\n")
    for name, content in files.items():
        path = tmp_path / "data" / "2024" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return Project.open(tmp_path)

# The pseudonym key of the tests: kpb refuses keys shorter than 32 bytes. tests/conftest.py
# sets it for every test; a test that needs no key or another one changes the variable itself.
TEST_KEY = "kpb-testnyckel-som-bara-finns-i-testerna"
