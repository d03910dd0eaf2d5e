"""Stories: one event, every outlet's coverage, clustered as articles arrive (docs/decisions/0020-stories.md)."""
