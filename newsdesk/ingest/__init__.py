"""Ingest: feeds and article pages in, stored articles out.

- `stages/`: the pure stages (fetch, parse, decide, extract, sanitize, excerpt, assemble, discover);
  plain data in and out, no Django, and only fetch touches the network;
- around them: `pipeline` (the orchestrator: the one module that runs the stages in order and calls
  actions), `policy` (the fetch policy from settings), `probe` (adding a source), `scheduler` (what is
  due, enqueued) and `tasks` (django.tasks wrappers that take ids).
"""
