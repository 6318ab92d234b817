"""Evaluation sets for ``bench.nlp``: our own briefings and the third-party sets when present.

The third-party sets are read from ``BRIEFBOT_EVALDATA`` or ``../shared/evaldata`` next to the
repository and are never copied into it; they are news text owned by their publishers.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OWN_DIR = REPO / "tests" / "data" / "eval"
# Both written from a brief by someone who had not read the quote and summary rules: the
# development set is tuned on, the blind set never is (it measures text no rule was written for).
DEV_DIR = REPO / "tests" / "data" / "dev"
BLIND_DIR = REPO / "tests" / "data" / "blind"
_QUOTE_OPENERS = "\"“”«„'‘"


@dataclass(frozen=True, slots=True)
class GoldQuote:
    start: int
    end: int
    speaker: str
    role: str | None
    direct: bool


@dataclass(slots=True)
class Doc:
    id: str
    language: str
    title: str
    body: str
    quotes: list[GoldQuote] = field(default_factory=list)
    # Extra gold spans (indirect speech) a prediction may legitimately fall inside.
    other_spans: list[tuple[int, int]] = field(default_factory=list)
    reference: list[str] = field(default_factory=list)  # reference summary, one sentence per item
    style: str = ""
    # Gold quotes that could not be placed in the stored body (a file refused, or text the
    # ingest changed): each counts as a miss.
    unplaced: int = 0
    refused: str | None = None  # why the file did not ingest


def evaldata_dir() -> Path | None:
    env = os.environ.get("BRIEFBOT_EVALDATA")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "evaldata")
    for c in candidates:
        if c.is_dir():
            return c
    return None


def _locate(body: str, text: str) -> tuple[int, int]:
    """Span of a gold quote in the body; a split quote spans from its first to its last part."""
    head = text[:25]
    tail = text[-20:]
    start = body.find(head)
    if start < 0:
        raise ValueError(f"gold quote not in body: {text[:40]!r}")
    end = body.find(tail, start)
    if end < 0:
        raise ValueError(f"gold quote end not in body: {text[-40:]!r}")
    return start, end + len(tail)


def load_own() -> list[Doc]:
    """Our hand-written briefings in ``tests/data/eval`` (one JSON file each)."""
    from bot.nlp.sentences import split_sentences

    docs: list[Doc] = []
    for path in sorted(OWN_DIR.glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        body = rec["body"]
        quotes = []
        for q in rec["quotes"]:
            s, e = _locate(body, q["text"])
            quotes.append(GoldQuote(s, e, q["speaker"], q.get("role"), True))
        docs.append(
            Doc(
                id=rec["id"],
                language=rec["language"],
                title=rec["title"],
                body=body,
                quotes=quotes,
                reference=split_sentences(rec["summary"], rec["language"]),
                style=rec.get("style", ""),
            )
        )
    return docs


def _place(body: str, parts: list[str]) -> tuple[int, int] | None:
    """Span from the first part's start to the last part's end, parts found in order."""
    start = end = -1
    at = 0
    for part in parts:
        found = body.find(part.strip(), at)
        if found < 0:
            return None
        if start < 0:
            start = found
        end = at = found + len(part.strip())
    return start, end


def load_blind() -> list[Doc]:
    """The blind set in ``tests/data/blind``."""
    return load_gold_set(BLIND_DIR)


def load_dev() -> list[Doc]:
    """The development set in ``tests/data/dev``."""
    return load_gold_set(DEV_DIR)


def load_gold_set(folder: Path) -> list[Doc]:
    """Briefing files with ``.gold.json`` beside them: each file goes through the real ingest
    (so front matter and Markdown are handled as ``briefbot add`` would), and its gold quotes
    are placed in the body the bot stores. A null gold speaker means the text names nobody:
    showing no name is right there, any name is wrong."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.ingest import parse_document
    from bot.nlp.sentences import split_sentences

    docs: list[Doc] = []
    for gold_path in sorted(folder.glob("*.gold.json")):
        rec = json.loads(gold_path.read_text(encoding="utf-8"))
        [source] = [p for p in folder.glob(rec["id"] + ".*") if not p.name.endswith(".gold.json")]
        result = parse_document(
            source.read_bytes(), source.name, tz=ZoneInfo("Europe/Kyiv"), now=datetime.now(UTC)
        )
        reference = split_sentences(rec["summary"], rec["language"])
        if not result.drafts:
            reason = "; ".join(str(e) for e in result.errors) or "nothing ingested"
            docs.append(
                Doc(
                    rec["id"],
                    rec["language"],
                    rec["title"],
                    "",
                    [],
                    reference=reference,
                    style=rec.get("style", ""),
                    unplaced=len(rec["quotes"]),
                    refused=reason,
                )
            )
            continue
        draft = result.drafts[0]
        quotes, unplaced = [], 0
        for q in rec["quotes"]:
            span = _place(draft.body, q["parts"])
            if span is None:
                unplaced += 1
                continue
            quotes.append(GoldQuote(span[0], span[1], q["speaker"] or "", q.get("role"), True))
        docs.append(
            Doc(
                rec["id"],
                draft.language,
                draft.title,
                draft.body,
                quotes,
                reference=reference,
                style=rec.get("style", ""),
                unplaced=unplaced,
            )
        )
    return docs


def load_ggt(root: Path) -> list[Doc]:
    """The Gender Gap Tracker's annotated articles; direct quotes are those opening with a mark."""
    path = root / "ggt-quotes" / "ggt_quotes_98.jsonl"
    docs: list[Doc] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            # The paragraph marker "\n .\n " becomes a blank line of the same length: offsets stay valid.
            body = rec["text"].replace("\n .\n ", "\n\n   ")
            quotes: list[GoldQuote] = []
            others: list[tuple[int, int]] = []
            for q in rec["quotes"]:
                if not q.get("span"):
                    continue
                s, e = q["span"]
                direct = q["quote"].strip()[:1] in _QUOTE_OPENERS
                if direct:
                    quotes.append(GoldQuote(s, e, q.get("reference") or "", None, True))
                else:
                    others.append((s, e))
            docs.append(
                Doc(id=rec["id"], language="en", title="", body=body, quotes=quotes, other_spans=others)
            )
    return docs


def load_frank_cnndm(root: Path) -> list[Doc]:
    """FRANK's 250 CNN/DailyMail test articles with their reference highlights."""
    path = root / "frank-cnndm-xsum" / "frank_articles_501.jsonl"
    docs: list[Doc] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["dataset"] != "cnndm":
                continue
            body = "\n\n".join(x.strip() for x in rec["article_lines"] if x.strip())
            ref = [s.strip() for s in re.split(r" \. ?", rec["reference"]) if s.strip()]
            docs.append(Doc(id=rec["id"], language="en", title="", body=body, reference=ref))
    return docs
