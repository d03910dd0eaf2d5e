"""The base and data directories and the Redis address, part of the base settings: config/settings/base.py
and config/settings/newsdesk_app.py both read them from here."""

from __future__ import annotations

from pathlib import Path

from .env import _env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(_env_str("NEWSDESK_DATA_DIR") or BASE_DIR / "var").resolve()

# Redis, when a deployment has one: Live News fans out through its pub/sub.
REDIS_URL = _env_str("NEWSDESK_REDIS_URL")
