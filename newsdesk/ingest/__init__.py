"""The ingest pipeline: fetch -> parse -> decide -> extract -> sanitize -> store.

Every stage but `pipeline` is pure or does only its own I/O (fetch), and none of them
imports Django: they take plain data and return plain data.
"""
