"""The fetch stage: one guarded HTTP GET of a feed or an article page, with hard limits.

Modules: policy (the knobs), checks (URLs before a request), guard (the SSRF guard at connect time),
deadline, decompress (bodies with output limits), headers, robots, netguard (address decisions),
fetcher (the Fetcher, which uses them all).

Why it is built this way:
- Every TCP connection goes through `GuardedBackend`, plugged into httpcore's pool. It resolves
  the name itself, refuses private addresses (netguard.py) and connects to the very address it
  checked, so DNS rebinding and redirects to internal hosts are stopped where it matters.
- Redirects are followed by hand, so each hop is counted, loop-checked and (for pages) checked
  against that origin's robots.txt.
- The body is read raw and decompressed here with output limits, so a gzip or brotli bomb is
  stopped after about `max_body_bytes`, never inflated in memory.
- A deadline per request bounds every socket operation, so a server that drips one byte a
  second cannot hold a worker beyond `total_timeout`.
"""

from newsdesk.ingest.stages.fetch.fetcher import Fetcher, FetchKind
from newsdesk.ingest.stages.fetch.guard import GuardedBackend, Resolver, resolve_host
from newsdesk.ingest.stages.fetch.policy import FetchPolicy

__all__ = ["FetchKind", "FetchPolicy", "Fetcher", "GuardedBackend", "Resolver", "resolve_host"]
