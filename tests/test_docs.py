"""The README documents every setting read from the environment and every command (datasette's idea)."""

from __future__ import annotations

import argparse
import ast
import importlib
import io
import re
import tokenize
import tomllib
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


# ---- docs/architecture.md and the paths the docs name --------------------------------------------

ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text()
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def section(text: str, title: str) -> str:
    """The body of the `## title` section of a Markdown text."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no '## {title}' section"
    return match.group(1)


def package_table() -> list[str]:
    rows = re.findall(r"^\| `([^`]+)` \|", section(ARCHITECTURE, "Packages"), re.M)
    assert rows, "the Packages section has no table rows"
    return rows


def test_every_package_in_the_table_exists() -> None:
    missing = [path for path in package_table() if not (ROOT / path).exists()]
    assert missing == [], f"docs/architecture.md lists packages that do not exist: {missing}"


def test_every_package_is_in_the_table() -> None:
    packages = {f"newsdesk/{d.name}/" for d in (ROOT / "newsdesk").iterdir() if (d / "__init__.py").is_file()}
    expected = packages | {"newsdesk/types.py", "newsdesk/ingest/stages/", "newsdesk_demo/", "config/"}
    missing = sorted(expected - set(package_table()))
    assert missing == [], f"docs/architecture.md's package table lacks {missing}"


def import_contracts() -> list[dict]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["tool"]["importlinter"]["contracts"]


def _layer(line: str) -> str:
    return " | ".join(part.strip() for part in line.split("|"))


def test_the_documented_layers_are_the_import_linter_layers() -> None:
    (contract,) = [c for c in import_contracts() if c["type"] == "layers"]
    block = re.search(r"^```layers\n(.*?)^```", section(ARCHITECTURE, "Layers"), re.M | re.S)
    assert block, "docs/architecture.md's Layers section needs a ```layers block"
    documented = [_layer(line) for line in block.group(1).splitlines() if line.strip()]
    assert documented == [_layer(layer) for layer in contract["layers"]]


def test_the_readme_names_the_layers_in_order() -> None:
    (contract,) = [c for c in import_contracts() if c["type"] == "layers"]
    sentence = re.search(r"imports only from those below it \(([^)]*)\)", README)
    assert sentence, "README.md's How it works no longer names the layers"
    documented = [[name.strip() for name in layer.split(",")] for layer in sentence.group(1).split(";")]
    expected = [
        [name.strip().removeprefix("newsdesk.") for name in layer.split("|")] for layer in contract["layers"]
    ]
    assert documented == expected


@pytest.mark.parametrize(
    "contract", [c for c in import_contracts() if c["type"] == "forbidden"], ids=lambda c: c["id"]
)
def test_every_forbidden_contract_is_described(contract: dict) -> None:
    layers = section(ARCHITECTURE, "Layers").lower()
    assert contract["id"].replace("-", " ") in layers
    for module in (*contract["source_modules"], *contract["forbidden_modules"]):
        assert module.lower() in layers, (
            f"docs/architecture.md does not say {module} in contract {contract['id']}"
        )


def named_paths() -> list[tuple[str, str]]:
    """(document, path) for every `newsdesk/...` or `newsdesk_demo/...` path in backticks in the docs."""
    return [
        (str(doc.relative_to(ROOT)), path)
        for doc in DOCS
        for path in sorted(set(re.findall(r"`((?:newsdesk|newsdesk_demo)/[^`\s]*)`", doc.read_text())))
    ]


@pytest.mark.parametrize(("document", "path"), named_paths())
def test_every_path_the_docs_name_exists(document: str, path: str) -> None:
    pattern = re.sub(r"<[^>]+>", "*", path).rstrip("/")
    assert list(ROOT.glob(pattern)), f"{document} names `{path}`, which does not exist"


def named_modules() -> list[tuple[str, str]]:
    """(document, dotted name) for every `newsdesk.x.y` in backticks, without a call or `:attribute`."""
    found = set()
    for doc in DOCS:
        for name in re.findall(r"`(newsdesk(?:_demo)?(?:\.\w+)+)", doc.read_text()):
            found.add((str(doc.relative_to(ROOT)), name))
    return sorted(found)


@pytest.mark.parametrize(("document", "name"), named_modules())
def test_every_module_the_docs_name_exists(document: str, name: str) -> None:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            assert hasattr(target, attribute), f"{document} names `{name}`, which does not exist"
            target = getattr(target, attribute)
        return
    pytest.fail(f"{document} names `{name}`, which does not exist")


# The house rule for the product's code and the benchmarks: a module a newcomer can read in one sitting.
# Migrations are generated and left out.
MODULE_LINES = 400


def oversized_modules(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root.parent)}: {lines} lines"
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    ]


@pytest.mark.parametrize("package", ["newsdesk", "bench"])
def test_no_module_of_the_product_or_the_benchmarks_is_over_the_house_size(package: str) -> None:
    found = oversized_modules(ROOT / package)
    assert found == [], f"split modules over {MODULE_LINES} lines by concern:\n" + "\n".join(found)


def test_the_size_check_sees_a_long_module(tmp_path: Path) -> None:
    package = tmp_path / "newsdesk"
    (package / "migrations").mkdir(parents=True)
    (package / "long.py").write_text("x = 1\n" * (MODULE_LINES + 1))
    (package / "short.py").write_text("x = 1\n" * MODULE_LINES)
    (package / "migrations" / "0001_initial.py").write_text("x = 1\n" * (MODULE_LINES + 50))
    assert oversized_modules(package) == [f"newsdesk/long.py: {MODULE_LINES + 1} lines"]
