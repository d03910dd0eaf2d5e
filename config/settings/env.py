"""Reading the environment, for the settings modules (config/settings/): a variable that is unset or
empty takes its default, and a malformed number stops start-up with a sentence naming the variable."""

from __future__ import annotations

import os


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from exc


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, not {value!r}") from exc


def _env_str(name: str, default: str = "") -> str:
    return os.environ.get(name) or default
