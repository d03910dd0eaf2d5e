"""Integrity: spam injected into sources never reaches readers.

- keywords/*.toml and lexicon.py: the multilingual spam term lists and their matcher;
- links.py, text.py: the signals (where links go, words and languages); hidden by CSS is
  newsdesk/markup/hidden.py, shared with the extraction clean-up;
- inject.py: cut planted blocks out of a page or a feed item's HTML (run by the extract stage);
- classify.py: is a whole item spam, and which signals say so;
- review.py: the pipeline stage between assemble and store (status, flags, the recorded reasons).

Everything here is pure: no Django, no network, no model download; the findings it shares with ingest
are plain data in newsdesk.types. This file imports nothing, so that the extract stage importing
inject.py does not load the classifier too.
"""
