"""The replies of the subscription commands: a server's subscriptions and a channel's delivery log,
in the manager's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import discord

from bot import i18n, render
from bot.delivery.explain import explanation_text
from bot.delivery.publish_log import publish_note
from bot.delivery.records import DeliveryRecord, Reason
from bot.delivery.status import ChannelLog
from bot.models import Subscription
from bot.timetable import describe

MAX_FIELDS = 25
LOG_TITLE_CHARS = 60


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def pause_line(sub: Subscription, tr: i18n.Localizer) -> str:
    """Why a subscription is paused, and how to resume it."""
    if sub.paused_by_hand:
        when = render.timestamp(sub.paused_at, "R") if sub.paused_at else "?"
        return tr.gettext("Paused by a manager {when}. /subscriptions resume restarts it.", when=when)
    # The reason is stored as the engine wrote it, in English.
    return tr.gettext("Paused: {reason}. /subscribe again to resume.", reason=sub.paused_reason)


def _reach_lines(sub: Subscription, tr: i18n.Localizer) -> list[str]:
    """How each post reaches readers beyond the channel: published, a discussion thread."""
    lines = []
    if sub.card_style == "components":
        lines.append(tr.gettext("Posts as cards (chosen for this channel)"))
    elif sub.card_style == "embed":
        lines.append(tr.gettext("Posts as classic embeds (chosen for this channel)"))
    if sub.webhook:
        lines.append(tr.gettext("Posted through a webhook the bot made here, under its own name"))
    if sub.publish:
        lines.append(tr.gettext("Each post published to following servers (at most 10 an hour)"))
    if sub.thread_archive_minutes:
        lines.append(
            tr.ngettext(
                "A discussion thread on each post, archived after {n} hour without messages",
                "A discussion thread on each post, archived after {n} hours without messages",
                sub.thread_archive_minutes // 60,
            )
        )
    return lines


def subscription_lines(sub: Subscription, tr: i18n.Localizer, next_digest: datetime | None) -> list[str]:
    """A subscription's settings and state, one fact a line."""
    lines = [describe(sub, tr)]
    if sub.topics:
        lines.append(tr.gettext("Topics: {topics}", topics=", ".join(sub.topics)))
    if sub.keywords:
        lines.append(tr.gettext("Keywords: {keywords}", keywords=", ".join(sub.keywords)))
    if sub.exclude_topics:
        lines.append(tr.gettext("Never topics: {topics}", topics=", ".join(sub.exclude_topics)))
    if sub.exclude_keywords:
        lines.append(tr.gettext("Never keywords: {keywords}", keywords=", ".join(sub.exclude_keywords)))
    if sub.role_id:
        lines.append(tr.gettext("Mentions {role}", role=f"<@&{sub.role_id}>"))
    for topic, role in sub.topic_roles:
        lines.append(tr.gettext("'{topic}' mentions {role}", topic=topic, role=f"<@&{role}>"))
    if sub.max_per_hour:
        lines.append(
            tr.ngettext(
                "At most {n} post an hour; the rest as one digest",
                "At most {n} posts an hour; the rest as one digest",
                sub.max_per_hour,
            )
        )
    lines.extend(_reach_lines(sub, tr))
    if sub.paused_reason:
        lines.append("⏸️ " + pause_line(sub, tr))
    else:
        lines.append("▶️ " + tr.gettext("Active"))
        if next_digest is not None:
            lines.append(tr.gettext("Next: {when}", when=render.timestamp(next_digest, "f")))
    if sub.last_delivery_at:
        last = render.timestamp(sub.last_delivery_at, "R")
        lines.append(tr.gettext("Last delivery: {when}", when=last))
    else:
        lines.append(tr.gettext("Last delivery: never"))
    return lines


def subscriptions_embed(
    subs: list[Subscription],
    tr: i18n.Localizer,
    *,
    name_of: Callable[[int], str],
    next_digest: Callable[[Subscription], datetime | None],
) -> discord.Embed:
    embed = discord.Embed(title=tr.gettext("Subscriptions"), colour=render.BRAND_COLOUR)
    for sub in subs[:MAX_FIELDS]:
        value = "\n".join(subscription_lines(sub, tr, next_digest(sub)))
        embed.add_field(name=f"#{name_of(sub.channel_id)}", value=value[:1024], inline=False)
    if len(subs) > MAX_FIELDS:
        embed.set_footer(
            text=tr.ngettext("Showing 25 of {n} subscriptions", "Showing 25 of {n} subscriptions", len(subs))
        )
    return embed


def record_result(record: DeliveryRecord, tr: i18n.Localizer, now: datetime) -> str:
    """What became of one outbox row, in a few words."""
    published = publish_note(record, tr, when=lambda moment: render.timestamp(moment, "f"))
    if record.state == "sent" and published:  # a post of a publish:true channel
        return "✅ " + tr.gettext("sent; {note}", note=published)
    if record.state == "sent" and record.last_error:  # sent, with a note (not published, say)
        return "✅ " + tr.gettext("sent; {note}", note=record.last_error)
    if record.state == "sent":
        return "✅ " + tr.gettext("sent")
    if record.state == "failed":
        return "❌ " + tr.gettext("failed: {error}", error=record.last_error or "?")
    if record.state == "skipped":
        return "⏭️ " + tr.gettext("skipped: {why}", why=record.last_error or "?")
    if record.hold_until is not None and record.hold_until > now:
        return "⏳ " + tr.gettext(
            "held for the hour's digest, {when}", when=render.timestamp(record.hold_until, "t")
        )
    if record.last_error:
        return "⏳ " + tr.gettext("not sent yet: {error}", error=record.last_error)
    return "⏳ " + tr.gettext("waiting to be sent")


def log_embed(
    found: ChannelLog, tr: i18n.Localizer, *, guild_id: int, now: datetime, poll_seconds: int
) -> discord.Embed:
    """The channel's last deliveries, and for a named briefing why it was or was not delivered."""
    sub = found.subscription
    lines = [f"<#{sub.channel_id}> · {describe(sub, tr)}"]
    if sub.paused_reason:
        lines.append("⏸️ " + pause_line(sub, tr))
    lines.append("")
    label = tr.gettext("message")
    if not found.entries:
        lines.append(tr.gettext("Nothing has been delivered here yet."))
    for record in found.entries:
        title = (
            render.escape(record.title)[:LOG_TITLE_CHARS]
            if record.title is not None
            else tr.gettext("(removed)")
        )
        line = (
            f"{render.timestamp(record.sent_at or record.created_at, 'f')} · `#{record.briefing_id}` {title}"
        )
        line += " · " + record_result(record, tr, now)
        if record.message_id:
            link = message_link(guild_id, record.channel_id, record.message_id)
            line += f" · [{label}]({link})"
        if record.channel_id != sub.channel_id:
            line += " · " + tr.gettext("in {channel}", channel=f"<#{record.channel_id}>")
        lines.append(line)
    embed = discord.Embed(
        title=tr.gettext("Delivery log"), description="\n".join(lines)[:4096], colour=render.BRAND_COLOUR
    )
    if found.briefing is not None and found.explanation is not None:
        briefing = found.briefing
        embargoed = briefing.published_at > now
        name = tr.gettext("Briefing #{id}", id=briefing.id)
        if not embargoed:  # an embargoed title is not the manager's to read yet
            name += f": {briefing.title}"
        why = explanation_text(
            found.explanation,
            tr,
            when=lambda moment: render.timestamp(moment, "f"),
            channel=lambda channel: f"<#{channel}>",
            poll_seconds=poll_seconds,
        )
        explained = found.explanation
        if explained.reason is Reason.SENT and explained.message_id and explained.channel_id:
            why += f" [{label}]({message_link(guild_id, explained.channel_id, explained.message_id)})"
        embed.add_field(name=name[:256], value=why[:1024], inline=False)
    embed.set_footer(text=tr.ngettext("The last {n} delivery", "The last {n} deliveries", len(found.entries)))
    return embed
