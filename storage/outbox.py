"""Delivery outbox queries (filled in by the scheduling work).

Mixed into ``SQLiteStorage``; methods here may use ``self._conn``,
``self.transaction()``, ``self._fetchall`` and ``self._fetchone``.
"""

from __future__ import annotations


class OutboxMixin:
    """Deliveries: which briefing went (or is going) to which channel."""
