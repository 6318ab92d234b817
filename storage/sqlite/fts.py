"""Turning what a reader types into a safe FTS5 MATCH expression.

Readers type words, "quoted phrases" and -exclusions. Everything else in FTS5's
query language (NEAR, column filters, stray quotes, ``*``) must never be able to
raise a syntax error, so each term is re-quoted as an FTS5 string.
"""

from __future__ import annotations

import re

from bot.wordforms import cyrillic_forms

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def build_match(query: str, *, prefix_last: bool = True) -> str | None:
    """Build a MATCH expression, or ``None`` when the query has no searchable word.

    Words are ANDed; a ``-word`` excludes; the last bare word also matches as a
    prefix so a half-typed word still finds something. A bare Ukrainian or Russian word
    matches any form of its own lexeme ("Київ" finds "Києва", "контракти" never finds
    "контрактник"); a "quoted phrase" matches as written.
    """
    include: list[str] = []
    exclude: list[str] = []
    matches = list(_TOKEN.finditer(query))
    for index, match in enumerate(matches):
        negate, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            words = _WORD.findall(phrase)
            if not words:
                continue
            (exclude if negate else include).append(_quote(" ".join(words)))
            continue
        assert bare is not None
        negate = bare.startswith("-") and len(bare) > 1
        words = _WORD.findall(bare)
        if not words:
            continue
        last = prefix_last and index == len(matches) - 1 and not negate and not bare.endswith(('"', "."))
        forms = cyrillic_forms(words[0]) if len(words) == 1 else None
        if forms is not None:
            terms = [_quote(f) for f in forms] + ([_quote(words[0].lower()) + "*"] if last else [])
            (exclude if negate else include).append("(" + " OR ".join(terms) + ")")
            continue
        term = _quote(" ".join(words))
        if negate:
            exclude.append(term)
        elif last:
            include.append(term + "*")
        else:
            include.append(term)
    if not include:
        return None
    expression = " AND ".join(include)
    for term in exclude:
        expression += f" NOT {term}"
    return expression
