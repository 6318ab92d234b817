"""Discord's message and embed limits, and cutting text to fit them gracefully.

Discord rejects a message that breaks any limit; we never let it get that far.
Text is cut at a sentence or word boundary with an ellipsis, and optionally a
link to the full source, so a long briefing still reads well.
"""

from __future__ import annotations

import re

EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_FIELDS = 25
EMBEDS_PER_MESSAGE = 10
EMBEDS_TOTAL = 6000
CONTENT = 2000
CHOICE_NAME = 100
URL = 2048

_SENTENCE_END = re.compile(r"[.!?…»”\"')\]]\s")
_ELLIPSIS = "…"


def truncate(text: str, limit: int, *, link: str | None = None) -> str:
    """Fit ``text`` into ``limit`` characters.

    Prefers to cut after the last whole sentence in the back half of the budget,
    else at a word boundary; appends an ellipsis and, when given, a Markdown link
    to the full text.
    """
    if len(text) <= limit:
        return text
    tail = f" [Read more]({link})" if link and len(link) < limit // 2 else ""
    budget = limit - len(tail) - len(_ELLIPSIS) - 1
    if budget <= 0:
        return text[: max(limit - 1, 0)] + _ELLIPSIS if limit > 0 else ""
    window = text[:budget]
    cut = -1
    for match in _SENTENCE_END.finditer(window + " "):
        if match.start() + 1 <= budget:
            cut = match.start() + 1
    if cut >= budget // 2:
        return window[:cut].rstrip() + " " + _ELLIPSIS + tail
    space = window.rfind(" ")
    cut = space if space > budget // 2 else budget
    return window[:cut].rstrip() + _ELLIPSIS + tail


def one_line(text: str, limit: int) -> str:
    """Collapse whitespace and cut to ``limit`` (for titles, choice names)."""
    return truncate(" ".join(text.split()), limit)
