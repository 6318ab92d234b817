"""HTML from a feed entry as plain text in paragraphs.

Briefings are plain text (the cards and the NLP read paragraphs separated by a blank line),
so markup never reaches storage or Discord: block elements end a paragraph, ``<br>`` ends
a line, scripts, styles and embedded objects are dropped with their contents, and
character references are decoded once. The standard library's tokenizer knows no entity
declarations, so nothing here can expand one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
    }
)  # fmt: skip
_DROPPED = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "select"}
)
_CELL = frozenset({"td", "th"})
_LINE = re.compile(r"[ \t\r\f\v\u00a0]+")
# Markup the tokenizer handed back as text (an unclosed "<![CDATA[<script>"): removed.
_TAG = re.compile(r"<[!/?a-zA-Z][^<>]*>?")
_BR = "\ue002"  # a line break from <br>: a private-use character no document's text holds


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]
        self.skipping = 0

    def _break(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self._break()
        elif tag == "br":
            current = self.paragraphs[-1]
            while current and current[-1] != _BR and not current[-1].strip():
                current.pop()
            if current and current[-1] == _BR:
                current.pop()
                self._break()  # <br><br>: how hand-made HTML separates paragraphs
            else:
                current.append(_BR)
        elif tag in _CELL:
            self.paragraphs[-1].append(" ")
        elif tag == "img" and not self.skipping:
            alt = dict(attrs).get("alt")
            if alt:
                self.paragraphs[-1].append(f" {alt} ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _DROPPED:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.paragraphs[-1].append(data.replace(_BR, ""))


def html_to_text(html: str) -> str:
    """Plain text: paragraphs separated by a blank line, whitespace inside one collapsed."""
    if "<" not in html and "&" not in html:
        return "\n\n".join(p for p in (" ".join(b.split()) for b in re.split(r"\n\s*\n", html)) if p)
    parser = _Text()
    parser.feed(html)
    parser.close()  # an unclosed construct ("<![CDATA[<script>") comes back as raw data
    out = []
    for parts in parser.paragraphs:
        lines = "".join(parts).split(_BR)
        text = " ".join(
            " ".join(_LINE.sub(" ", _TAG.sub("", line)).split()) for line in lines if line.strip()
        )
        if text:
            out.append(text)
    return "\n\n".join(out)
