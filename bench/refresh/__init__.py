"""Refresh benchmarks: one source's pages (throughput of one worker) and a whole cycle over a feed farm."""
