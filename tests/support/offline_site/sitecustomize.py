"""Run at the start of every Python process the test suite starts (tests/support/offline.py puts this
folder on PYTHONPATH): the process reaches nothing beyond loopback, like the tests themselves.

It loads ../offline.py by its path, so the child needs neither the repository on sys.path nor pytest;
then, since this file shadows any other `sitecustomize`, it runs the next one on the path, if any.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

_here = Path(__file__).resolve().parent


def _load(name: str, path: str) -> None:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


_load("newsdesk_tests_offline", str(_here.parent / "offline.py"))
sys.modules["newsdesk_tests_offline"].install()

_others = [p for p in sys.path if p and Path(p).resolve() != _here]
_next = importlib.machinery.PathFinder.find_spec("sitecustomize", _others)
if _next is not None and _next.origin:
    _load("_next_sitecustomize", _next.origin)
