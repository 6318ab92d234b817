"""What a reader typed, as a ``tsquery`` over the terms of ``_tokens``.

The reading of the query is SQLite's (``storage.sqlite.fts.build_match``): words are
ANDed, a ``-word`` excludes, a "quoted phrase" matches as written, a bare Ukrainian or
Russian word matches any form of its own lexeme, and (for autocomplete) the last bare
word may be a prefix. Each piece becomes a phrase of terms cut and folded as FTS5 cuts
and folds them, and the whole is written out as a ``tsquery`` literal with every term
quoted, so nothing a reader types can be a syntax error. A phrase with no terms left
(``_`` alone) matches nothing, as an empty FTS5 phrase does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.wordforms import cyrillic_forms
from storage.postgres import _tokens

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
# PostgreSQL refuses a longer term; the index never holds one (``_documents``).
MAX_TERM_BYTES = 2047


@dataclass(frozen=True, slots=True)
class Phrase:
    """Terms that must stand next to each other in this order; ``prefix``: the last
    may be the start of a longer term."""

    terms: tuple[str, ...]
    prefix: bool = False

    @property
    def matchable(self) -> bool:
        return bool(self.terms) and all(len(t.encode()) <= MAX_TERM_BYTES for t in self.terms)

    def tsquery(self) -> str:
        parts = [_literal(t) for t in self.terms]
        if self.prefix:
            parts[-1] += ":*"
        return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


# Alternatives: any one of its phrases (the forms of a Cyrillic word; usually just one).
Group = tuple[Phrase, ...]


@dataclass(frozen=True, slots=True)
class Query:
    """Every ``include`` group must match and no ``exclude`` group may."""

    include: tuple[Group, ...]
    exclude: tuple[Group, ...]

    def tsquery(self) -> str | None:
        """The ``tsquery`` literal, or None when the query can match nothing."""
        included = [_group(g) for g in self.include]
        if any(g is None for g in included):
            return None
        text = " & ".join(g for g in included if g is not None)
        for group in self.exclude:
            rendered = _group(group)
            if rendered is not None:
                text += f" & !{rendered}"
        return text

    def phrases(self) -> list[Phrase]:
        """The phrases a matching text may hold, in query order (for snippets)."""
        return [p for group in self.include for p in group if p.matchable]


def _literal(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _group(group: Group) -> str | None:
    rendered = [p.tsquery() for p in group if p.matchable]
    if not rendered:
        return None
    return rendered[0] if len(rendered) == 1 else "(" + " | ".join(rendered) + ")"


def parse(text: str, *, stemmed: bool, prefix_last: bool) -> Query | None:
    """The query a reader typed, or None when it has no searchable word (as
    ``build_match`` returns None). ``stemmed``: for the search index, not titles."""
    include: list[Group] = []
    exclude: list[Group] = []

    def phrase(words: str, prefix: bool = False) -> Phrase:
        return Phrase(tuple(_tokens.terms(words, stemmed=stemmed)), prefix)

    matches = list(_TOKEN.finditer(text))
    for index, match in enumerate(matches):
        negate, quoted, bare = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            words = _WORD.findall(quoted)
            if words:
                (exclude if negate else include).append((phrase(" ".join(words)),))
            continue
        negated = bare.startswith("-") and len(bare) > 1
        words = _WORD.findall(bare)
        if not words:
            continue
        last = prefix_last and index == len(matches) - 1 and not negated and not bare.endswith(('"', "."))
        forms = cyrillic_forms(words[0]) if len(words) == 1 else None
        if forms is not None:
            group = tuple(phrase(f) for f in forms)
            if last:
                group += (phrase(words[0].lower(), prefix=True),)
            (exclude if negated else include).append(group)
            continue
        (exclude if negated else include).append((phrase(" ".join(words), prefix=last),))
    if not include:
        return None
    return Query(tuple(include), tuple(exclude))
