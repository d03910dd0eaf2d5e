"""WebSub: outlets' hubs push new stories to us as they are published (the W3C Recommendation, subscriber
side). Discovery is the parse stage's; here are the subscriptions, the callback, and the push ingest."""
