"""Shared test setup: every test runs with the test pseudonym key (tests/builders.py)."""

import pytest

from builders import TEST_KEY


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("KPB_PSEUDONYM_NYCKEL", TEST_KEY)
    return TEST_KEY
