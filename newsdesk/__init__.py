"""Newsdesk: a self-hosted news aggregation site."""

__version__ = "0.1.0"
