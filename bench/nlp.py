"""Benchmark the NLP core: key quotes, speakers, summaries and speed.

    python -m bench.nlp            # own set, blind set, third-party sets when present
    python -m bench.nlp --smoke    # own set only, no baselines beyond Lead-3 (CI)
    python -m bench.nlp --misses   # also list missed/extra quotes and wrong speakers

Prints one row per set and language. Third-party sets are read from ``BRIEFBOT_EVALDATA`` or
``../shared/evaldata``; they are skipped with a note when absent.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from typing import TypedDict

from bench._common import calibration_ms
from bench._nlp_data import Doc, evaldata_dir, load_blind, load_dev, load_frank_cnndm, load_ggt, load_own
from bench._nlp_metrics import QuoteCounts, Rouge, SumyBaselines, score_quotes, unbalanced_quotes
from bot.nlp import analyze, split_sentences
from bot.nlp.summary import lead


class Row(TypedDict):
    """One line of the table: a set in one language (or ``"all"``)."""

    set: str
    lang: str
    docs: int
    quotes: QuoteCounts | None
    rouge: tuple[float, float, float] | None
    lead3: tuple[float, float, float] | None
    baselines: dict[str, tuple[float, float, float]]
    unbalanced: int


def _mean(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    if not rows:
        return (0.0, 0.0, 0.0)
    n = len(rows)
    return (sum(r[0] for r in rows) / n, sum(r[1] for r in rows) / n, sum(r[2] for r in rows) / n)


def _fmt_rouge(r: tuple[float, float, float] | None) -> str:
    return "-" if r is None else f"{r[0]:.1f}/{r[1]:.1f}/{r[2]:.1f}"


def evaluate(
    name: str,
    docs: list[Doc],
    rouge: Rouge,
    sumy: SumyBaselines | None,
    quotes: bool,
    summaries: bool,
    misses: bool,
) -> list[Row]:
    by_lang: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        by_lang[d.language].append(d)
    rows: list[Row] = []
    for lang, group in sorted(by_lang.items()):
        counts = QuoteCounts()
        ours: list[tuple[float, float, float]] = []
        lead3: list[tuple[float, float, float]] = []
        base: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
        unbalanced = 0
        for d in group:
            a = analyze(d.title, d.body, d.language)
            unbalanced += sum(
                unbalanced_quotes(t) for t in (a.summaries.short, a.summaries.standard, a.summaries.detailed)
            )
            if quotes:
                counts.add(score_quotes(d, a.quotes, keep_misses=misses))
            if summaries and d.reference:
                ours.append(rouge.score(d.reference, split_sentences(a.summaries.standard, lang), lang))
                lead3.append(rouge.score(d.reference, split_sentences(lead(d.body, lang, 3), lang), lang))
                if sumy is not None:
                    for b in sumy.names():
                        base[b].append(rouge.score(d.reference, sumy.summarize(b, d.body, lang), lang))
        rows.append(
            {
                "set": name,
                "lang": lang,
                "docs": len(group),
                "quotes": counts if quotes else None,
                "rouge": _mean(ours) if ours else None,
                "lead3": _mean(lead3) if lead3 else None,
                "baselines": {b: _mean(v) for b, v in base.items()},
                "unbalanced": unbalanced,
            }
        )
        if misses and quotes:
            for m in counts.misses:
                print("  ", m)
    return rows


def _all_languages(rows: list[Row]) -> Row:
    """One row adding up the quote counts of per-language rows (ROUGE stays per language)."""
    total = QuoteCounts()
    for r in rows:
        assert r["quotes"] is not None  # rows evaluated with quotes=True
        total.add(r["quotes"])
    total.misses.clear()
    docs = sum(int(r["docs"]) for r in rows)
    return {
        "set": rows[0]["set"],
        "lang": "all",
        "docs": docs,
        "quotes": total,
        "rouge": None,
        "lead3": None,
        "baselines": {},
        "unbalanced": sum(int(r["unbalanced"]) for r in rows),
    }


def _briefings_800(
    docs: list[Doc], target_words: int = 800, languages: tuple[str, ...] = ("en",)
) -> list[str]:
    """~800-word briefings made by joining consecutive briefings in ``languages``."""
    out: list[str] = []
    buf: list[str] = []
    words = 0
    for d in docs:
        if d.language not in languages:
            continue
        buf.append(d.body)
        words += len(d.body.split())
        if words >= target_words:
            out.append("\n\n".join(buf))
            buf, words = [], 0
    return out


def throughput(docs: list[Doc], seconds: float = 2.0) -> tuple[tuple[float, float], int]:
    """Briefings per second for analyze() on ~800-word briefings built from the given docs."""
    briefings = [("Briefing", body, "en") for body in _briefings_800(docs)]
    if not briefings:
        return (0.0, 0.0), 0
    avg_words = sum(len(b[1].split()) for b in briefings) // len(briefings)
    return _rate(briefings, seconds), avg_words


def short_names_a_speaker(docs: list[Doc]) -> tuple[int, int]:
    """How many short summaries name (by surname or a body's last word) someone the gold quotes
    attribute, of the briefings with a named speaker: a proxy for "says who did what"."""
    named = total = 0
    for d in docs:
        speakers = {q.speaker for q in d.quotes if q.speaker}
        if not speakers:
            continue
        short = analyze(d.title, d.body, d.language).summaries.short.lower()
        total += 1
        # The first five letters: the surname in any case ("Бардин", "Бардина").
        named += any(s.replace("«", " ").replace("»", " ").split()[-1].lower()[:5] in short for s in speakers)
    return named, total


def _cyrillic_briefings(docs: list[Doc]) -> list[tuple[str, str, str]]:
    """~600-word Ukrainian, then Russian briefings joined from ``docs``: (title, body, language)."""
    return [("Брифінг", body, lang) for lang in ("uk", "ru") for body in _briefings_800(docs, 600, (lang,))]


def cyrillic_throughput(docs: list[Doc], seconds: float = 2.0) -> tuple[tuple[float, float], int]:
    """Briefings per second for analyze() on ~600-word Ukrainian and Russian briefings."""
    briefings = _cyrillic_briefings(docs)
    if not briefings:
        return (0.0, 0.0), 0
    avg_words = sum(len(b[1].split()) for b in briefings) // len(briefings)
    return _rate(briefings, seconds), avg_words


def cyrillic_passes(docs: list[Doc], passes: int) -> int:
    """Run ``passes`` passes of analyze() over the briefings ``cyrillic_throughput`` times.

    Timings on a shared machine vary more than a few per cent of code changes do; counted
    instructions do not: ``valgrind --tool=callgrind python -m bench.nlp --passes 2`` minus
    ``--passes 1`` is the work of one pass, repeatable whatever else the machine runs.
    """
    briefings = _cyrillic_briefings(docs)
    for _ in range(passes):
        for title, body, lang in briefings:
            analyze(title, body, lang)
    print(f"{passes} pass(es) over {len(briefings)} Ukrainian and Russian briefings")
    return 0


def _rate(briefings: list[tuple[str, str, str]], seconds: float) -> tuple[float, float]:
    """Briefings per CPU-second of this process ("one core"): (best round, median round).

    CPU time, not wall time, and the best of several rounds, because other work on a shared
    machine slows a single-threaded loop down without saying anything about the code.
    """
    rounds: list[float] = []
    deadline = time.process_time() + seconds
    while time.process_time() < deadline or len(rounds) < 3:
        start = time.process_time()
        for title, body, lang in briefings:
            analyze(title, body, lang)
        rounds.append(len(briefings) / max(time.process_time() - start, 1e-9))
    rounds.sort()
    return rounds[-1], rounds[len(rounds) // 2]


def print_table(rows: list[Row], baseline_names: list[str]) -> None:
    head = [
        "set",
        "lang",
        "docs",
        "gold q",
        "P",
        "R",
        "F1",
        "F1@80",
        "speaker",
        "wrong name",
        "abstain",
        "role",
        "ROUGE-1/2/Lsum",
        "Lead-3",
        "unbalanced",
        *baseline_names,
    ]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        q = r["quotes"]
        if q is not None and q.gold:
            p80 = q.precision
            f80 = 2 * p80 * q.recall80 / (p80 + q.recall80) if p80 + q.recall80 else 0.0
            role = f"{q.role_ok / q.role_gold:.2f}" if q.role_gold else "-"
            qcols = [
                str(q.gold),
                f"{q.precision:.3f}",
                f"{q.recall:.3f}",
                f"{q.f1:.3f}",
                f"{f80:.3f}",
                f"{q.speaker_acc:.3f}",
                f"{q.wrong_name_rate:.3f}",
                str(q.abstained),
                role,
            ]
        else:
            qcols = ["-"] * 9
        bases = r["baselines"]
        cols = [
            str(r["set"]),
            str(r["lang"]),
            str(r["docs"]),
            *qcols,
            _fmt_rouge(r["rouge"]),
            _fmt_rouge(r["lead3"]),
            str(r.get("unbalanced", "-")),
            *[_fmt_rouge(bases.get(b)) for b in baseline_names],
        ]
        print("| " + " | ".join(cols) + " |")


def third_party_rows(rouge: Rouge, sumy: SumyBaselines | None, misses: bool) -> list[Row]:
    """ggt-quotes and FRANK's CNN/DailyMail articles, when ``../shared/evaldata`` has them."""
    rows: list[Row] = []
    root = evaldata_dir()
    if root is None:
        print("note: third-party eval data not found (set BRIEFBOT_EVALDATA or ../shared/evaldata); skipped")
        return rows
    if (root / "ggt-quotes").is_dir():
        rows += evaluate(
            "ggt-quotes", load_ggt(root), rouge, None, quotes=True, summaries=False, misses=misses
        )
    else:
        print("note: ggt-quotes not found; skipped")
    if (root / "frank-cnndm-xsum").is_dir():
        rows += evaluate(
            "frank-cnndm", load_frank_cnndm(root), rouge, sumy, quotes=False, summaries=True, misses=False
        )
    else:
        print("note: frank-cnndm-xsum not found; skipped")
    return rows


def print_short_summary_names(sets: dict[str, list[Doc]]) -> None:
    for name, docs in sets.items():
        named, total = short_names_a_speaker(docs)
        print(
            f"{name} set: the short summary names someone the briefing quotes in {named} of {total} briefings"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="own set only, fast (CI)")
    ap.add_argument("--misses", action="store_true", help="list missed and extra quotes, wrong speakers")
    ap.add_argument("--no-sumy", action="store_true", help="skip the sumy LexRank/TextRank baselines")
    ap.add_argument("--splitters", action="store_true", help="also compare with pysbd and syntok")
    ap.add_argument(
        "--passes",
        type=int,
        metavar="N",
        help="only run N passes of analyze() over the joined Ukrainian and Russian briefings, for an "
        "instruction counter: N=2 minus N=1 is one pass with the dictionary lookups cached",
    )
    args = ap.parse_args(argv)
    if args.passes is not None:
        return cyrillic_passes(load_own() + load_dev(), args.passes)

    rouge = Rouge()
    sumy: SumyBaselines | None = None
    if not args.smoke and not args.no_sumy:
        try:
            sumy = SumyBaselines()
        except ImportError:
            print("note: sumy not installed; LexRank/TextRank baselines skipped")
    names = sumy.names() if sumy else []
    own = load_own()
    rows = evaluate("own", own, rouge, sumy, quotes=True, summaries=True, misses=args.misses)
    # Misses are listed for the sets rules are tuned on, never for the blind set: reading its
    # misses would be tuning on it.
    dev, blind = load_dev(), load_blind()
    for name, docs, misses in (("dev", dev, args.misses), ("blind", blind, False)):
        set_rows = evaluate(name, docs, rouge, sumy, quotes=True, summaries=True, misses=misses)
        rows += [*set_rows, _all_languages(set_rows)]
        refused = [d for d in docs if d.refused]
        print(f"{name} set: {len(docs) - len(refused)} of {len(docs)} files ingest")
        for d in refused:
            print(f"  refused {d.id}: {d.refused}")
    if not args.smoke:
        rows += third_party_rows(rouge, sumy, args.misses)
    print_table(rows, names)
    print_short_summary_names({"own": own, "dev": dev, "blind": blind})
    if args.splitters:
        from bench._nlp_splitters import compare

        compare(_briefings_800(own))
    (best, median), words = throughput(own, seconds=1.0 if args.smoke else 5.0)
    print(
        f"\nthroughput: {best:.0f} briefings/s best round, {median:.0f} median (analyze: summaries + quotes, "
        f"~{words}-word English briefings, CPU time of one core)"
    )
    (best, median), words = cyrillic_throughput(own + dev, seconds=1.0 if args.smoke else 5.0)
    print(
        f"throughput: {best:.0f} best, {median:.0f} median briefings/s on ~{words}-word Ukrainian and "
        "Russian briefings (own and development sets joined)"
    )
    print(
        f"machine check: a fixed pure-Python loop took {calibration_ms():.2f} ms (1.0 ms on an idle core, 2026-11-28)"
    )
    if not args.smoke:
        root = evaldata_dir()
        if root is not None and (root / "ggt-quotes").is_dir():
            ggt = load_ggt(root)
            best, median = _rate([(d.title, d.body, "en") for d in ggt], 5.0)
            avg = sum(len(d.body.split()) for d in ggt) // len(ggt)
            print(
                f"throughput: {best:.0f} best, {median:.0f} median briefings/s on ggt-quotes articles (~{avg} words)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
