"""Printing Discord messages readably in a terminal, for the demo and the CLI.

It reads the same ``discord.Embed`` objects and Components V2 cards the bot sends, so the
demo shows what a channel would get, with Discord's timestamps and Markdown made human.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import discord

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_ESCAPED = re.compile(r"\\([\\*_~`|>#\-\[\]()])")
_HEADING = re.compile(r"^(#{1,3}|-#) ")  # a card's headings and small print


def _timestamp(match: re.Match[str]) -> str:
    moment = datetime.fromtimestamp(int(match.group(1)), UTC)
    style = match.group(2) or "f"
    if style == "R":
        return _relative(moment)
    if style in "dD":
        return moment.strftime("%d %b %Y")
    return moment.strftime("%d %b %Y %H:%M UTC")


def _relative(moment: datetime) -> str:
    seconds = int((datetime.now(UTC) - moment).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            text = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    return "just now"


def plain(text: str) -> str:
    """Discord Markdown to terminal text."""
    text = _TIMESTAMP.sub(_timestamp, text)
    text = _LINK.sub(r"\1 <\2>", text)
    text = text.replace("**", "")
    text = _ESCAPED.sub(r"\1", text)
    return text


def _wrap(text: str, indent: str, width: int) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines() or [""]:
        prefix, line = indent, raw
        if raw.startswith("> "):
            prefix, line = indent + "│ ", raw[2:]
        lines.extend(
            textwrap.wrap(line, width=width, initial_indent=prefix, subsequent_indent=prefix) or [prefix]
        )
    return lines


def format_message(content: str | None, embeds: Sequence[discord.Embed], *, width: int = 88) -> str:
    out: list[str] = []
    if content:
        out.extend(_wrap(plain(content), "", width))
    for embed in embeds:
        rule = "─" * width
        out.append(rule)
        if embed.author and embed.author.name:
            out.append(plain(embed.author.name).upper())
        if embed.title:
            out.append("■ " + plain(embed.title))
        if embed.url:
            out.append("  " + embed.url)
        if embed.description:
            out.append("")
            out.extend(_wrap(plain(embed.description), "  ", width))
        for f in embed.fields:
            out.append("")
            out.append(f"  {plain(f.name or '')}:")
            out.extend(_wrap(plain(f.value or ""), "    ", width))
        if embed.footer and embed.footer.text:
            out.append("")
            out.append("  " + plain(embed.footer.text))
    if embeds:
        out.append("─" * width)
    return "\n".join(out)


def format_card(view: discord.ui.LayoutView, *, width: int = 88) -> str:
    """A Components V2 card as the terminal shows it: each container between rules, its
    text with Discord's headings made plain, its buttons as ``[Label]``."""
    out: list[str] = []
    for component in view.to_components():  # type: ignore[no-untyped-call]
        _card_lines(component, out, width, indent="")
    return "\n".join(out)


def _card_lines(component: dict[str, Any], out: list[str], width: int, *, indent: str) -> None:
    kind = component.get("type")
    if kind == 10:  # text display
        for line in str(component.get("content", "")).splitlines() or [""]:
            out.extend(_wrap(plain(_HEADING.sub("", line)), indent, width))
    elif kind == 17:  # container
        out.append("─" * width)
        for child in component.get("components", []):
            _card_lines(child, out, width, indent="  ")
        out.append("─" * width)
    elif kind == 9:  # section: its text, then its accessory
        for child in component.get("components", []):
            _card_lines(child, out, width, indent=indent)
        accessory = component.get("accessory")
        if accessory is not None:
            _card_lines(accessory, out, width, indent=indent)
    elif kind == 1:  # action row
        out.append(indent + " ".join(_button(b) for b in component.get("components", [])))
    elif kind == 2:  # a button on its own (a section's accessory)
        out.append(indent + _button(component))
    elif kind == 14:  # separator
        out.append("")


def _button(button: dict[str, Any]) -> str:
    label = f"[{button.get('label', '')}]"
    return f"{label} <{button['url']}>" if button.get("url") else label
