"""``briefbot quotes``: an editor's review and corrections of a briefing's quotes."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from bot.cli._common import EXIT_OK, print_json, with_newsroom
from bot.config import Config
from bot.copy_updates import SWEEP_SECONDS, QueuedCopies
from bot.corrections import QuoteReview
from bot.publishing import QUOTE_ACTIONS, PublishingDesk


class _NoWakeup:
    """A quote correction adds no briefing."""

    async def briefing_added(self) -> None:
        return None


def _queued(copies: int) -> str:
    """The command line does not talk to Discord: the running bot corrects posted copies."""
    if not copies:
        return ""
    return f"; {copies} posted {'copy' if copies == 1 else 'copies'} marked: the running bot corrects them within {SWEEP_SECONDS:.0f} s"


def _review_json(review: QuoteReview) -> dict[str, Any]:
    return {
        "briefing_id": review.briefing.id,
        "quotes": [
            {
                "number": r.number,
                **asdict(r.quote),
                "dropped": r.dropped,
                "corrected": r.corrected,
                "added": r.added,
                "key": r.key,
            }
            for r in review.quotes
        ],
        "stale_corrections": [asdict(c) for c in review.stale],
        "posted_copies_queued": review.queued,
    }


async def cmd_quotes(args: argparse.Namespace, config: Config) -> int:
    action = next((a for a in QUOTE_ACTIONS if getattr(args, a) is not None), None)

    async def job(newsroom: Any) -> int:
        desk = PublishingDesk(newsroom, QueuedCopies(newsroom.storage), _NoWakeup())
        reference = str(args.id)
        if action is None:
            review = await desk.review_quotes(reference)
        else:
            value = getattr(args, action)
            review = await desk.correct_quote(
                reference,
                action,
                number=value if action != "add" else None,
                text=value if action == "add" else None,
                speaker=args.speaker_name,
                role=args.role,
            )
        if args.json:
            print_json(_review_json(review))
            return EXIT_OK
        if action is not None:
            print(f"saved ({action})" + _queued(review.queued))
        for r in review.quotes:
            q = r.quote
            who = q.speaker or (q.speaker_role or "unattributed")
            role = f", {q.speaker_role}" if q.speaker and q.speaker_role else ""
            marks = r.marks
            note = f"  [{', '.join(marks)}]" if marks else ""
            print(f"{r.number:>3}. “{q.text}” — {who}{role} (confidence {q.confidence:.2f}){note}")
        for c in review.stale:
            print(f"  stale {c.kind} correction: “{c.quote_text[:60]}” is no longer in the text")
        if not review.quotes:
            print("no quotes; add one with --add 'exact words' --speaker NAME")
        return EXIT_OK

    return await with_newsroom(config, job)
