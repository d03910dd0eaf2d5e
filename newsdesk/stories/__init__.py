"""Stories: one event, every outlet's coverage, clustered as articles arrive.

See docs/decisions/0020-stories.md; `core` is the pure part."""
