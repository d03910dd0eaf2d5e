"""The parse stage: feed bytes in, a ParsedFeed out. No Django, no I/O.

RSS and Atom go through feedparser (rss_atom.py, with fixes.py); JSON Feed goes through a small reader of
our own (jsonfeed.py), because feedparser 6 does not read JSON Feed at all
(docs/decisions/0003-feed-parsing.md). We decode the bytes ourselves first (decode.py), because
feedparser trusts a declared encoding that decodes without error (so UTF-8 declared as ISO-8859-1 comes
out as mojibake). The bytes come from strangers and are fuzzed in tests: every failure is a ParseError
with one plain sentence, and nothing else escapes.
"""

from newsdesk.ingest.stages.parse.feed import MAX_FEED_BYTES, looks_like_feed, parse_feed
from newsdesk.ingest.stages.parse.rss_atom import MAX_TAGS

__all__ = ["MAX_FEED_BYTES", "MAX_TAGS", "looks_like_feed", "parse_feed"]
