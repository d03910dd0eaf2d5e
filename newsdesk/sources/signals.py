"""Signals about sources, sent after the transaction commits (never for a rolled-back change).

Receivers live above this layer and get plain values: websub unsubscribes from a removed source's hub, and
the public site renders again the kept article parts that show a renamed source.
"""

from django.dispatch import Signal

# Sent with source_id: int and url: str once a source's removal has committed.
source_removed = Signal()

# Sent with source_id: int once a change to what pages show of a source (its name or home page) has
# committed.
source_shown_changed = Signal()
