"""Markdown to the plain paragraphs a briefing stores, through markdown-it-py (CommonMark).

Summaries and quotes must never show ``**`` or ``[text](url)``, and a parser that knows
CommonMark's rules gets the edge cases right that patterns guessed at: a ``2.`` that
continues a paragraph is no list item, ``2 * 3`` and ``snake_case`` are no emphasis, a
``>`` inside a line is no blockquote. Headings, list items and quoted paragraphs become
paragraphs; code is kept exactly as written; rules and HTML comments are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

_MD = MarkdownIt("commonmark").enable("strikethrough")
_INLINE_CONTAINERS = frozenset({"paragraph_open", "heading_open"})


@dataclass(slots=True)
class MarkdownText:
    """What a Markdown body holds: its first level-1 heading (when asked for one) and the
    rest as paragraphs, each with the 0-based line of the source it starts on."""

    title: str | None = None
    title_line: int | None = None
    paragraphs: list[tuple[str, int]] = field(default_factory=list)


def plain_inline(text: str) -> str:
    """One line of Markdown as plain text: emphasis, code marks, links and escapes gone."""
    tokens = _MD.parseInline(text)
    return _inline_text(tokens[0].children or []) if tokens else text


def read_markdown(text: str, *, want_title: bool) -> MarkdownText:
    out = MarkdownText()
    tokens = _MD.parse(text)
    for i, token in enumerate(tokens):
        line = token.map[0] if token.map else 0
        if token.type in _INLINE_CONTAINERS:
            words = _inline_text(tokens[i + 1].children or []).strip()
            if want_title and out.title is None and token.type == "heading_open" and token.tag == "h1":
                out.title, out.title_line = words, line
            elif words:
                out.paragraphs.append((words, line))
        elif token.type in ("fence", "code_block"):
            code = token.content.rstrip("\n")
            if code.strip():
                out.paragraphs.append((code, line))
        elif token.type == "html_block" and not token.content.lstrip().startswith("<!--"):
            out.paragraphs.append((token.content.strip(), line))
    return out


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
        elif child.type == "html_inline" and not child.content.startswith("<!--"):
            parts.append(child.content)
    return "".join(parts)
