"""Every command teaches: it has help text, an example, and the README mentions it."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from kpb.cli import main

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert len(main.commands[command].help or "") > 40, f"{command} needs real help text"


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_mentions_command(command):
    assert f"kpb {command}" in README


def test_readme_gives_exactly_two_setup_commands():
    setup = README.split("## Set up on a fresh machine")[1].split("\n## ")[0]
    assert setup.count("```sh") == 2
    assert "pytest" in setup and "kpb compute 2024 --project fixtures/exempelkommun" in setup
