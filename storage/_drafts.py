"""A waiting draft's text as both backends store it: one JSON document.

A draft is kept whole until an editor approves it, then it becomes a briefing through the
normal path and the document is dropped; nothing queries inside it, so one column is enough.
A leaf: it imports only ``bot.models``.
"""

from __future__ import annotations

import json
from datetime import datetime

from bot.models import Draft


def draft_json(draft: Draft) -> str:
    if draft.published_at.tzinfo is None:
        raise ValueError("naive datetime reached storage")
    return json.dumps(
        {
            "title": draft.title,
            "body": draft.body,
            "published_at": draft.published_at.isoformat(),
            "source_url": draft.source_url,
            "tags": list(draft.tags),
            "language": draft.language,
            "origin": draft.origin,
        },
        ensure_ascii=False,
    )


def draft_from_json(text: str) -> Draft:
    data = json.loads(text)
    return Draft(
        title=data["title"],
        body=data["body"],
        published_at=datetime.fromisoformat(data["published_at"]),
        source_url=data.get("source_url"),
        tags=tuple(data.get("tags") or ()),
        language=data.get("language") or "en",
        origin=data.get("origin") or "<draft>",
    )
