"""A small newsroom for the console (bench/console/seed.py at a size fit for tests)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.console.seed import Seeded, seed


@pytest.fixture
def newsroom(db: None) -> Seeded:
    return seed(sources=60, articles=400, now=datetime.now(UTC))
