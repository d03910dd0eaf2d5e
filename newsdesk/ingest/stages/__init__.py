"""The ingest stages: plain data in, plain data out (newsdesk.types), and no Django.

fetch (the one stage that does network I/O) -> parse -> decide -> extract -> sanitize -> excerpt ->
assemble; discover finds a feed's address in a web page. The integrity passes (newsdesk.integrity) run
inside extract and after assemble. Only the pipeline (newsdesk.ingest.pipeline) calls them in order,
reads settings and writes through actions.
"""
