"""The command line's contract for mistakes: one line on stderr, a non-zero exit, no traceback."""

from __future__ import annotations

import json

import pytest

from newsdesk.cli import main
from newsdesk.sources.models import Source


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse exits
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "error" in lines[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["no-such-command"],
        ["sources"],
        ["sources", "remove", "abc"],
        ["sources", "remove", "0"],
        ["fetch", "--all", "3"],
        ["articles", "--limit", "-2"],
        ["articles", "--limit"],
        ["extract"],
        ["opml"],
        ["run", "--port", "http"],
    ],
)
def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert_one_line_error(err)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sources", "remove", "999"], "no source with id 999"),
        (["fetch", "998", "999"], "no source with id 998, 999"),
        (["articles", "--source", "42"], "no source with id 42"),
        (["sources", "add", "ftp://example.test/feed"], "must start with http:// or https://"),
        (["sources", "add", "not a url"], "not a web address"),
        (["sources", "add", "http://[::1"], "not a web address"),
        (["sources", "add", "https://reader:secret@feeds.example/"], "no user name or password"),
        (["opml", "import", "/nonexistent/file.opml"], "no such file"),
        (["extract", "/nonexistent/page.html"], "no such file"),
    ],
)
def test_user_mistakes_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _out, err = run(capsys, *argv)
    assert code == 1
    assert_one_line_error(err)
    assert message in err


@pytest.mark.django_db
def test_opml_import_rejects_non_opml(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    bad = tmp_path / "feeds.opml"
    bad.write_text("<html><body>hello</body></html>")
    code, _out, err = run(capsys, "opml", "import", str(bad))
    assert code == 1
    assert_one_line_error(err)
    assert "not OPML" in err
    assert Source.objects.count() == 0


@pytest.mark.django_db
def test_opml_round_trip_through_the_cli(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="Folder">'
        '<outline text="Harbour Gazette" xmlUrl="http://127.0.0.1:9/feed.xml" htmlUrl="http://127.0.0.1:9/"/>'
        '<outline text="Bad" xmlUrl="gopher://x.test/"/>'
        "</outline></body></opml>"
    )
    code, out, err = run(capsys, "opml", "import", str(opml))
    assert code == 0
    assert "Imported 1 source(s); 0 already present, 1 skipped." in out
    assert "gopher" in err
    code, out, _ = run(capsys, "opml", "import", str(opml))
    assert "Imported 0 source(s); 1 already present, 1 skipped." in out

    code, out, _ = run(capsys, "opml", "export")
    assert code == 0
    assert 'xmlUrl="http://127.0.0.1:9/feed.xml"' in out
    assert 'text="Harbour Gazette"' in out

    code, out, _ = run(capsys, "sources", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["name"] for r in rows] == ["Harbour Gazette"]
    assert set(rows[0]) == {
        "id",
        "url",
        "name",
        "last_fetched",
        "next_check_at",
        "last_error",
        "articles",
        "websub",
        "state",
    }
    assert rows[0]["last_error"] is None
    assert rows[0]["articles"] == 0


@pytest.mark.django_db
def test_empty_lists(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "sources", "list")[1].startswith("No sources yet.")
    assert run(capsys, "articles", "--json")[1] == ""
