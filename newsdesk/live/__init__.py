"""Live News: new articles pushed to open pages as Server-Sent Events (docs/live.md).

- models.LiveEvent is the event log: a monotonic id (the stream's cursor), the JSON each reader gets,
  and what the filters need. It is the replay source for Last-Event-ID and the cross-process channel.
- receivers/actions write an event after an article's transaction commits (article_stored).
- transports/ tell the web processes that events are waiting (database polling, Redis, in-memory).
- hub.py (one per web process) reads new events once and fans them out to the open streams.
- stream.py is the SSE endpoint; server/ is the web server app that routes /live/stream to it and
  every other request to Django's WSGI app.
"""
