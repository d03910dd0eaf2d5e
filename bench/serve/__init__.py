"""`python -m bench.serve`: the site under wrk beside nginx serving the same bytes (docs/benchmarks.md)."""
