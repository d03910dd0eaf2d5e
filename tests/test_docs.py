"""The README documents every setting read from the environment and every command (datasette's idea)."""

from __future__ import annotations

import argparse
import ast
import io
import re
import tokenize
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


# ---- comments speak of the code ------------------------------------------------------------------

# A comment that points at an issue by its number (bare, with "#", in parentheses) or at a task's wording.
CITATION = re.compile(r"\bissues?\s?#?\d+|\(issue\b|\(#\d+\)|\bthe\s+brief\b", re.IGNORECASE)
COMMENTED_TREES = ("newsdesk", "newsdesk_demo", "config", "tests")
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->", re.S)
SCRIPT_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'\\])//[^\n]*", re.S)


def python_comments(path: Path) -> list[tuple[int, str]]:
    """Every comment and docstring of a Python file, with its line."""
    source = path.read_text()
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                found.append((node.body[0].lineno, docstring))
    return found


def other_comments(path: Path) -> list[tuple[int, str]]:
    text = path.read_text()
    pattern = TEMPLATE_COMMENT if path.suffix in (".html", ".txt", ".xml") else SCRIPT_COMMENT
    return [(text.count("\n", 0, match.start()) + 1, match.group(0)) for match in pattern.finditer(text)]


def comment_files() -> list[Path]:
    files = []
    for tree in COMMENTED_TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            parts = set(path.relative_to(ROOT).parts)
            if "fixtures" in parts or "__pycache__" in parts or not path.is_file():
                continue
            if path.suffix == ".py" or (tree != "tests" and path.suffix in (".html", ".txt", ".js", ".css")):
                files.append(path)
    return files


def citations(path: Path, base: Path = ROOT) -> list[str]:
    comments = python_comments(path) if path.suffix == ".py" else other_comments(path)
    return [
        f"{path.relative_to(base)}:{line}: {match.group(0)}"
        for line, text in comments
        for match in CITATION.finditer(text)
    ]


def test_comments_say_what_the_code_does_not_which_issue_asked() -> None:
    files = comment_files()
    assert len(files) > 200
    found = [citation for path in files for citation in citations(path)]
    assert found == [], "comments should explain the code in its own terms:\n" + "\n".join(found)


def test_the_citation_check_sees_comments_and_docstrings(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text('"""Stage one, issue 7."""\n\nX = "issue 7 in a string is data"  # as the brief says\n')
    assert sorted(citations(module, tmp_path)) == ["module.py:1: issue 7", "module.py:3: the brief"]
    template = tmp_path / "page.html"
    template.write_text("<p>Issue 3 of the magazine</p>\n{# keep these ids (#6) #}")
    assert citations(template, tmp_path) == ["page.html:2: (#6)"]
