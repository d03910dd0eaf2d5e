"""Shared fixtures. Tests reach nothing beyond loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the session's temporary data directory (made by config/settings/test.py)."""
    import os
    import shutil

    data_dir = os.environ.get("NEWSDESK_TEST_DATA_DIR", "")
    if data_dir and Path(data_dir).name.startswith("newsdesk-test-"):
        shutil.rmtree(data_dir, ignore_errors=True)
