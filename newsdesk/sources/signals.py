"""Signals about sources, sent after the transaction commits (never for a rolled-back change).

Receivers live above this layer and get plain values: websub unsubscribes from a removed source's hub.
"""

from django.dispatch import Signal

# Sent with source_id: int and url: str once a source's removal has committed.
source_removed = Signal()
