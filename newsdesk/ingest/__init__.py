"""Ingest: feeds and article pages in, stored articles out.

- `stages/`: fetch, parse, decide, extract, sanitize, excerpt, assemble and discover. Plain data in and
  out (newsdesk.types); they import no Django (an import-linter contract), and only fetch does network
  I/O: the others are functions of their input.
- around them: `pipeline` (the orchestrator: the one module that runs the stages in order, reads the
  database and calls actions), `store` (what the decider decides for one entry, carried out for it), `report`
  (`SourceReport`), `policy` (the fetch policy from settings), `probe` (adding a source),
  `scheduler` (the worker's periodic jobs) and `tasks` (django.tasks wrappers that take ids).
"""
