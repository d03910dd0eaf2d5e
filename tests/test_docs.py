"""The README documents every setting read from the environment and every command (datasette's idea)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from newsdesk.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def environment_variables() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "config").rglob("*.py"):
        text = path.read_text()
        names |= set(re.findall(r"""_env_(?:bool|int|str|float|list)\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
        names |= set(re.findall(r"""os\.environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]+)["']""", text))
    # Internal plumbing between the test settings and the test suite's subprocesses.
    return names - {"NEWSDESK_TEST_DATA_DIR", "DJANGO_SETTINGS_MODULE"}


def test_settings_are_found() -> None:
    assert {"NEWSDESK_DATA_DIR", "DATABASE_URL", "NEWSDESK_ALLOW_PRIVATE_NETWORKS"} <= environment_variables()


@pytest.mark.parametrize("name", sorted(environment_variables()))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in README, f"{name} is read from the environment but README.md does not document it"


def commands() -> list[str]:
    found = []

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    full = f"{prefix} {name}".strip()
                    found.append(full)
                    walk(sub, full)

    walk(build_parser(), "")
    return found


@pytest.mark.parametrize("command", commands())
def test_every_command_is_documented(command: str) -> None:
    assert f"newsdesk {command}" in README, f"`newsdesk {command}` is not documented in README.md"
