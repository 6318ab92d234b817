"""The Markdown table and the growth plots, rebuilt from ``bench/results/*.json``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench._common import RESULTS, load


def _fmt_n(n: int | str) -> str:
    n = int(n)
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k" if n >= 1000 else str(n)


def table(size: str) -> list[str]:
    lines = [f"# Benchmark results ({size})", ""]
    machine = None
    q = load("queries", size)
    if q:
        machine = q["machine"]
        sizes = list(q["by_size"])
        lines += [
            "## 1. Command data path (ms, p50 / p95 / p99)",
            "",
            "| command | " + " | ".join(_fmt_n(s) for s in sizes) + " |",
            "|---|" + "---|" * len(sizes),
        ]
        for cmd in q["by_size"][sizes[0]]:
            cells = []
            for s in sizes:
                r = q["by_size"][s][cmd]
                cells.append(f"{r['p50_ms']:.2f} / {r['p95_ms']:.2f} / **{r['p99_ms']:.2f}**")
            lines.append(f"| `{cmd}` | " + " | ".join(cells) + " |")
        lines += ["", "Goal: p99 < 2 ms at 100k, < 10 ms at 1M.", ""]
        lines += _postgres_queries(q)
    e = load("e2e", size)
    if e:
        machine = machine or e["machine"]
        lines += [
            f"## 2. End to end, INTERACTION_CREATE → callback ({_fmt_n(e['archive'])} briefings, ms)",
            "",
            "| command | p50 | p95 | p99 | max |",
            "|---|---|---|---|---|",
        ]
        for cmd, r in e["by_command"].items():
            lines.append(
                f"| `{cmd}` | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | **{r['p99_ms']:.2f}** | {r['max_ms']:.2f} |"
            )
        lines += ["", f"Goal: p99 < {e['goal_p99_ms']:.0f} ms.", ""]
        lines += _postgres_e2e(e)
    i = load("ingest", size)
    if i:
        machine = machine or i["machine"]
        st = i["stage_ms"]
        lines += [
            "## 3. Ingest (one core)",
            "",
            "| briefings | words each | briefings/s | parse ms | analyse ms | store ms |",
            "|---|---|---|---|---|---|",
            f"| {i['count']} | {i['mean_words']:.0f} | **{i['per_second']:.1f}** | {st['parse']:.2f} | "
            f"{st['analyse']:.2f} | {st['store']:.2f} |",
            "",
            f"Goal: >= {i['goal_per_s']:.0f}/s.",
            "",
        ]
        lines += _postgres_ingest(i)
    f = load("fanout", size)
    if f:
        machine = machine or f["machine"]
        lines += [
            "## 4. Fan-out of one briefing",
            "",
            "| channels | servers | limits | msg/s | of 50/s | 429s | duplicates | lost | last channel after |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for c in f["cases"]:
            hits = ", ".join(f"{k} {v}" for k, v in c["http_429"].items()) or "0"
            lines.append(
                f"| {c['channels']:,} | {c['guilds']:,} | {'on' if c['limits'] else 'off'} | "
                f"{c['messages_per_s']:.2f} | **{c['fraction_of_limit']:.1%}** | {hits} | {c['duplicates']} | "
                f"{c['lost']} | {c['seconds_to_last']:.1f} s |"
            )
        lines += ["", "Goal: >= 95% of the limit, no global 429, no duplicate, no loss.", ""]
        lines += _follow_lines(f.get("follow"))
    r = load("resources", size)
    if r:
        machine = machine or r["machine"]
        lines += [
            "## 5. Resources (bot process)",
            "",
            "| briefings | subscriptions | IDENTIFY after | first reply after | peak RSS | RSS after 200 commands |",
            "|---|---|---|---|---|---|",
            f"| {_fmt_n(r['archive'])} | {r['subscriptions']:,} | {r['identify_s']:.2f} s | **{r['first_reply_s']:.2f} s** | "
            f"**{r['peak_rss_mb']:.1f} MB** | {r['rss_mb']:.1f} MB |",
            "",
            f"Goals: < {r['goal_mb']:.0f} MB and < {r['goal_s']:.0f} s.",
            "",
        ]
    fo = load("failover", size)
    if fo and fo.get("cases"):
        machine = machine or fo["machine"]
        lines += _failover(fo)
    src = load("sources", size)
    lines += _sources(src)
    machine = machine or (src or {}).get("machine")
    if machine:
        lines += ["## Machine", "", ", ".join(f"{k}: {v}" for k, v in machine.items()), ""]
    return lines


def _postgres_e2e(e: dict[str, Any]) -> list[str]:
    pg = e.get("postgresql")
    if not pg:
        return []
    return [
        "PostgreSQL, same commands (ms): "
        + ", ".join(
            f"`{cmd}` p99 {r['p99_ms']:.2f} (SQLite {e['by_command'][cmd]['p99_ms']:.2f})"
            for cmd, r in pg["by_command"].items()
        ),
        "",
    ]


def _postgres_ingest(i: dict[str, Any]) -> list[str]:
    pg = i.get("postgresql")
    if not pg:
        return []
    return [
        f"PostgreSQL: **{pg['per_second']:.1f}/s** one file per transaction (SQLite "
        f"{i['per_second']:.1f}), {pg['bulk_per_second']:.1f}/s in batches of {i['bulk_batch']} "
        f"(SQLite {i['bulk_per_second']:.1f}).",
        "",
    ]


def _postgres_queries(q: dict[str, Any]) -> list[str]:
    """PostgreSQL's p99 beside SQLite's, per command and archive size (``--backend postgresql``)."""
    pg = q.get("by_size_postgresql")
    if not pg:
        return []
    sizes = [s for s in pg if s in q["by_size"]]
    lines = [
        "### PostgreSQL beside SQLite (p99 ms: PostgreSQL / SQLite, ratio)",
        "",
        "| command | " + " | ".join(_fmt_n(s) for s in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for cmd in pg[sizes[0]]:
        cells = []
        for s in sizes:
            p, lite = pg[s][cmd]["p99_ms"], q["by_size"][s][cmd]["p99_ms"]
            cells.append(f"**{p:.2f}** / {lite:.2f} ({p / lite if lite else float('nan'):.1f}x)")
        lines.append(f"| `{cmd}` | " + " | ".join(cells) + " |")
    return [*lines, "", "Goals: PostgreSQL p99 within 2x of SQLite's at 100k, < 10 ms at 1M.", ""]


def _failover(fo: dict[str, Any]) -> list[str]:
    lines = [
        f"## 6. Failover: the dispatcher killed after {fo['kill_at']:.0%} of a fan-out (two processes)",
        "",
        "| channels | servers | took over after | last channel after | msg/s before / after (of 50/s) "
        "| 429s | duplicates | lost |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in fo["cases"]:
        hits = ", ".join(f"{k} {v}" for k, v in c["http_429"].items()) or "0"
        lines.append(
            f"| {c['channels']:,} | {c['guilds']:,} | **{c['takeover_s']:.2f} s** | "
            f"{c['seconds_to_last']:.1f} s ({c['after_kill_to_last']:.1f} s after the kill) | "
            f"{c['rate_before']:.1f} ({c['rate_before_fraction']:.0%}) / {c['rate_after']:.1f} "
            f"({c['rate_after_fraction']:.0%}) | {hits} | {c['duplicates']} | {c['lost']} |"
        )
    return [
        *lines,
        "",
        f"Goals: takeover < {fo['goal_takeover_s']:.0f} s; >= {fo['goal_fraction']:.0%} of 50/s outside "
        "the takeover window; no duplicate, no loss.",
        "",
    ]


def _sources(src: dict[str, Any] | None) -> list[str]:
    if not src:
        return []
    lines = [
        f"## 7. Sources: one poll cycle of {src['sources']:,} feeds (one core)",
        "",
        "| cycle | wall | CPU per source | briefings added | 304s | most requests per host at once | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("first", "steady"):
        c = src[name]
        lines.append(
            f"| {name} | **{c['wall_s']:.1f} s** | {c['cpu_ms_per_source']:.1f} ms | {c['added']:,} | "
            f"{c['not_modified']:,} | {c['max_per_host']} | {c['peak_rss_mb']:.0f} MB |"
        )
    return [
        *lines,
        "",
        f"Goals: the steady cycle < {src['goal_seconds']:.0f} s at 1,000 sources, < {src['goal_mb']:.0f} MB, "
        "one request per host at once.",
        "",
    ]


def plots(size: str) -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    made = []
    q = load("queries", size)
    if q and len(q["by_size"]) > 1:
        sizes = [int(s) for s in q["by_size"]]
        fig, ax = plt.subplots(figsize=(8, 5))
        for cmd in q["by_size"][str(sizes[0])]:
            ys = [q["by_size"][str(s)][cmd]["p99_ms"] for s in sizes]
            ax.plot(sizes, ys, marker="o", label=cmd)
        ax.plot([100_000], [2], "k*", markersize=12, label="goal (p99)")
        ax.plot([1_000_000], [10], "k*", markersize=12)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("briefings in the archive")
        ax.set_ylabel("p99 latency (ms)")
        ax.set_title("Command data path: p99 against archive size")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        made.append(_save(fig, f"queries-p99-{size}.png"))
    e = load("e2e", size)
    if e:
        cmds = list(e["by_command"])
        fig, ax = plt.subplots(figsize=(8, 4.5))
        xs = range(len(cmds))
        for k, (key, label) in enumerate((("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99"))):
            ax.bar(
                [x + (k - 1) * 0.27 for x in xs],
                [e["by_command"][c][key] for c in cmds],
                width=0.27,
                label=label,
            )
        ax.axhline(e["goal_p99_ms"], color="k", linestyle="--", label="goal p99")
        ax.set_xticks(list(xs), cmds, rotation=20)
        ax.set_ylabel("ms")
        ax.set_title(f"End to end over loopback, {e['archive']:,} briefings")
        ax.legend()
        made.append(_save(fig, f"e2e-{size}.png"))
    f = load("fanout", size)
    if f:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        cs = f["cases"]
        ax.plot([c["channels"] for c in cs], [c["seconds_to_last"] for c in cs], marker="o", label="briefbot")
        chans = sorted({c["channels"] for c in f["cases"]})
        ax.plot(chans, [c / 50 for c in chans], "k--", label="50/s (Discord's global limit)")
        ax.set_xlabel("subscribed channels")
        ax.set_ylabel("seconds until the last channel has it")
        ax.set_title("Fan-out of one briefing")
        ax.grid(True, alpha=0.3)
        ax.legend()
        made.append(_save(fig, f"fanout-{size}.png"))
    return made


def _save(fig: Any, name: str) -> Path:
    path = RESULTS / name
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path


def write(size: str) -> list[str]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    lines = table(size)
    path = RESULTS / f"RESULTS-{size}.md"
    path.write_text("\n".join(lines) + "\n")
    out = [f"   table -> bench/results/{path.name}"]
    out += [f"   plot  -> bench/results/{p.name}" for p in plots(size)]
    return out


def _follow_lines(r: dict | None) -> list[str]:
    """Follow mode's row (bench/fanout_follow.py), when the fan-out run measured it."""
    if not r:
        return []
    per_home = ", ".join(f"{k} {v}" for k, v in r["requests_per_home"].items())
    hits = ", ".join(f"{k} {v}" for k, v in r["http_429"].items()) or "0"
    return [
        "Follow mode (channels following the home channels through Discord):",
        "",
        "| following channels | servers | limits | last copy after | bot requests | per home channel | 429s "
        "| duplicates | lost |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {r['channels']:,} | {r['guilds']:,} | {'on' if r['limits'] else 'off'} | **{r['seconds_to_last']:.2f} s** "
        f"| {r['bot_requests']} | {per_home} | {hits} | {r['duplicates']} | {r['lost']} |",
        "",
        f"Goal: under {r['goal_seconds']:g} s, at most {r['goal_requests_per_home']} requests per home channel, "
        "no 429.",
        "",
    ]
