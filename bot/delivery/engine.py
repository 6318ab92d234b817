"""The delivery engine: plans, sends, recovers, corrects and retracts posts.

It does no Discord I/O of its own: it talks to a ``Sender`` and reads the time from a
``Clock``. How exactly-once works is in the package's docstring.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord

from bot.cards import message_card
from bot.clock import Clock, SystemClock
from bot.config import CardStyle, ScheduleConfig
from bot.delivery.budget import InvalidRequestBudget
from bot.delivery.correction_replies import CorrectionReplier
from bot.delivery.followups import NOTHING_DONE, FollowupGuard
from bot.delivery.planner import (
    DIGEST_KINDS,
    NONCE_LENGTH,
    HourlyCap,
    allowed_mentions,
    matches,
    ping_content,
    ping_roles,
    plan_backfill,
    plan_channel,
    post_title,
    post_topics,
    render_message,
)
from bot.delivery.publishing import HELD_NOTE, PublishDigester
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.records import Candidate, ChannelPlan, PendingMessage, PostedCopy, SubscriptionState
from bot.delivery.sender import (
    ChannelGone,
    DeliveryError,
    EditRefused,
    Fence,
    Forums,
    Locales,
    MessageGone,
    NoAccess,
    Notify,
    Rejected,
    Replies,
    Sender,
    TransientError,
)
from bot.delivery.status import CopyReport, DeliveryStatus, RunReport, read_status
from bot.delivery.webhooks import WebhookApi, WebhookLost, WebhookRoute
from bot.i18n import ENGLISH, N_, Localizer, Message, localizer
from bot.models import Briefing, ChannelWebhook, ScheduleKind, Subscription
from bot.timetable import hour_window
from storage import Storage

log = logging.getLogger(__name__)

PLAN_CHUNK = 200  # instant channels planned (and written to the outbox) per transaction
TEST_POST_LOOKBACK = 200  # the newest briefings a test post looks through for one that passes
RECONCILE_SLACK = timedelta(minutes=1)  # clock skew allowed between us and Discord's snowflakes
KNOWN_POSTS = 50  # a channel's latest deliveries whose posts a reconciled post cannot be


@dataclass(frozen=True, slots=True)
class PostedTest:
    """A test post on Discord: its message and the briefing it showed."""

    message_id: int
    briefing_id: int
    title: str


class DeliveryEngine:
    """Plans, sends, recovers, corrects and retracts posts. Safe to call concurrently:
    sends to one channel are serialised, different channels run in parallel.

    A fan-out runs up to ``workers`` channels at a time (each channel's messages in
    order), fed from a short queue, so the first send does not wait behind every
    other channel's outbox reads and a planner can keep adding channels while the
    first ones are sent. ``max_concurrency`` bounds the requests in flight.

    With a ``fence``, every post first asks it whether this process may send (after
    waiting for its rate-limit slot, right before the request): when it may not, the
    message and the rest of its channel stay pending, with their nonces, for the
    process that may. Planning is not fenced: any process may write the outbox.

    With ``forums``, a message for a forum (or media) channel becomes a post there. That
    route takes no nonce, so the outbox records that the post is being made (``started_at``)
    before the request, and a message found so marked is first looked for on Discord.
    """

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        config: ScheduleConfig,
        clock: Clock | None = None,
        *,
        notify: Notify | None = None,
        locales: Locales | None = None,
        limiter: RateLimiter | None = None,
        fence: Fence | None = None,
        cards: CardStyle = "embed",
        forums: Forums | None = None,
        webhooks: WebhookApi | None = None,
        replies: Replies | None = None,
        budget: InvalidRequestBudget | None = None,
        max_concurrency: int = 50,
        workers: int = 100,
        tries: int = 3,
        backoff_seconds: float = 1.0,
    ) -> None:
        self._storage = storage
        self._sender = sender
        self._config = config
        self._clock = clock or SystemClock()
        self._notify = notify
        self._locales = locales
        self._limiter = limiter or RateLimiter(self._clock)
        self._fence = fence
        # The operator's ``[discord] cards``: how posts look where a subscription chose no
        # ``style`` ("components": Components V2 cards; never through webhooks).
        self._cards = cards
        self._forums = forums
        # A channel with a branded webhook (``/subscribe ... webhook:true``) posts through it.
        self._webhooks = WebhookRoute(storage, webhooks, sender) if webhooks is not None else None
        # A copy Discord will not edit (its edit limits) gets its correction as a reply.
        self._replier = (
            CorrectionReplier(
                storage,
                replies,
                self._clock,
                language=lambda channel_id: self._language(channel_id=channel_id),
                request=self._retrying,
                lock=self._channel_lock,
            )
            if replies is not None
            else None
        )
        # Discord bans an IP after too many invalid requests: past half, posts wait.
        self._budget = budget
        # A post's thread and publish carry no nonce: recorded as begun, read back after a crash.
        self._followups = (
            FollowupGuard(storage, forums, self._clock, slot=self._slot) if forums is not None else None
        )
        # Posts of a ``publish:true`` channel past its publishes of the hour: one digest later.
        self._publisher = (
            PublishDigester(
                storage,
                sender,
                forums,
                self._clock,
                language=lambda channel_id: self._language(channel_id=channel_id),
                slot=self._slot,
                lock=self._channel_lock,
                may_send=self._may_send,
                card=lambda kind, briefings, sub, lead: self._card(
                    kind, briefings, sub.channel_id, lead, style=self._style_of(sub)
                ),
            )
            if forums is not None
            else None
        )
        self._requests = asyncio.Semaphore(max_concurrency)
        self._workers = max(1, workers)
        self._tries = max(1, tries)
        self._backoff = backoff_seconds
        self._locks: dict[int, asyncio.Lock] = {}
        self._lock_users: dict[int, int] = {}
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()

    # -- runs -------------------------------------------------------------------

    async def run_instant(self) -> RunReport:
        """Plan new briefings for every instant channel and send everything pending.

        Channels are planned a chunk at a time, each chunk written to the outbox in one
        transaction before any of its channels is sent; sending starts with the first
        chunk while later ones are still being planned. Channels that already had
        pending messages go first."""
        async with self._busy():
            report = RunReport()
            earlier = await self._storage.channels_with_pending()
            report.merge(await self._fan_out(self._plan_instant(self._clock.now(), earlier, report)))
            if self._publisher is not None:  # what was posted past the publishes of the hour
                report.merge(await self._publisher.send_due())
            return report

    async def _candidates(self, low_id: int, now: datetime) -> tuple[list[Candidate], set[tuple[int, int]]]:
        """Briefings above ``low_id`` and the (channel, briefing) pairs already in the outbox."""
        candidates = await self._storage.delivery_candidates(low_id)
        visible = [c.id for c in candidates if c.published_at <= now]
        return candidates, await self._storage.recorded_pairs(visible)

    def _plan(
        self,
        state: SubscriptionState,
        candidates: list[Candidate],
        recorded: set[tuple[int, int]],
        now: datetime,
        *,
        digest: bool,
        cap: HourlyCap | None = None,
    ) -> ChannelPlan:
        return plan_channel(
            state,
            candidates,
            recorded,
            now=now,
            catchup_max=self._config.instant_catchup_max,
            digest=digest,
            tr=self._language(channel_id=state.subscription.channel_id),
            cap=cap,
        )

    async def _caps(self, states: Sequence[SubscriptionState], now: datetime) -> dict[int, HourlyCap]:
        """Where each capped instant channel stands this hour (its own zone's clock hour)."""
        windows = {
            s.subscription.channel_id: hour_window(s.subscription, now)
            for s in states
            if s.subscription.max_per_hour > 0
        }
        if not windows:
            return {}
        used = await self._storage.post_counts({c: start for c, (start, _) in windows.items()})
        return {c: HourlyCap(used.get(c, 0), end) for c, (_, end) in windows.items()}

    def _language(self, *, channel_id: int | None = None, guild_id: int | None = None) -> Localizer:
        """The language of the server a post or notice goes to (English when unknown)."""
        if self._locales is None:
            return ENGLISH
        if channel_id is not None:
            return localizer(self._locales.of_channel(channel_id))
        return localizer(self._locales.of_guild(guild_id) if guild_id is not None else None)

    async def _plan_instant(
        self, now: datetime, earlier: list[int], report: RunReport
    ) -> AsyncIterator[Sequence[int]]:
        """Yield the channels to send to: ``earlier`` first, then each planned chunk's
        channels with new messages, once the chunk is in the outbox."""
        if earlier:
            yield earlier
        top = await self._storage.max_briefing_id()
        candidates: list[Candidate] = []
        recorded: set[tuple[int, int]] = set()
        read_from: int | None = None
        after: int | None = None
        while True:
            states = await self._storage.subscription_states(
                [ScheduleKind.INSTANT], behind_id=top, after_channel_id=after, limit=PLAN_CHUNK
            )
            if not states:
                break
            after = states[-1].subscription.channel_id
            low = min(s.low_id for s in states)
            if read_from is None or low < read_from:
                # Rows this run writes are for channels of earlier chunks only, so the
                # outbox is read once, not per chunk; a concurrent run's rows for the
                # same message carry the same nonce and are kept (ON CONFLICT DO NOTHING).
                candidates, recorded = await self._candidates(low, now)
                read_from = low
            caps = await self._caps(states, now)
            plans = []
            for state in states:
                cap = caps.get(state.subscription.channel_id)
                plan = self._plan(state, candidates, recorded, now, digest=False, cap=cap)
                if plan.messages or plan.skipped or plan.cursor_id != state.cursor_id:
                    plans.append(plan)
            if plans:
                await self._storage.record_plans(plans, now=now)
                report.planned += sum(len(p.messages) for p in plans)
                report.skipped += sum(len(p.skipped) for p in plans)
                yield [p.channel_id for p in plans if p.messages]
            if len(states) < PLAN_CHUNK:
                break
        await self._storage.record_instant_run(now)

    async def run_digest(self, channel_id: int) -> RunReport:
        """One digest for this channel: everything new since its last one, as one message
        (nothing at all when nothing is new). Also sends anything still pending there."""
        async with self._busy():
            now = self._clock.now()
            report = RunReport()
            state = await self._storage.subscription_state(channel_id)
            if state is None or state.subscription.schedule not in DIGEST_KINDS:
                return report
            if state.subscription.paused_reason:
                log.info("digest for channel %s skipped: paused", channel_id)
                return report
            candidates, recorded = await self._candidates(state.low_id, now)
            plan = self._plan(state, candidates, recorded, now, digest=True)
            await self._storage.record_plans([plan], now=now)
            report.planned = len(plan.messages)
            report.merge(await self.fan_out([channel_id]))
            return report

    async def recover_pending(self) -> RunReport:
        """At start-up: send every message that was written but maybe not sent, with
        its original nonce, so a crash neither loses nor duplicates a post."""
        async with self._busy():
            channels = await self._storage.channels_with_pending()
            if channels:
                log.info("recovering pending deliveries for %d channel(s)", len(channels))
            report = await self.fan_out(channels)
            if self._replier is not None:
                await self._replier.recover(self._current_embeds)
            return report

    async def _current_embeds(self, copy: PostedCopy) -> Sequence[discord.Embed] | None:
        """A posted copy as it should read now (None when its briefings are all removed)."""
        briefings = await self._storage.get_briefings(list(copy.briefing_ids))
        if not briefings:
            return None
        return render_message(copy.kind, briefings, self._language(channel_id=copy.channel_id))

    async def fan_out(self, channel_ids: Sequence[int]) -> RunReport:
        """Send the pending messages of these channels, channels in parallel."""

        async def once() -> AsyncIterator[Sequence[int]]:
            yield channel_ids

        return await self._fan_out(once())

    async def _fan_out(self, batches: AsyncIterator[Sequence[int]]) -> RunReport:
        """Send the pending messages of the channels ``batches`` yields, starting with
        the first batch while later ones are still being produced.

        Up to ``self._workers`` channels are in progress at once; the queue between the
        producer and them is short, so planning keeps just ahead of sending. If the
        producer fails, what it already handed over is still sent, then the error is
        raised."""
        report = RunReport()
        queue: asyncio.Queue[int | None] = asyncio.Queue(maxsize=self._workers)

        async def worker() -> None:
            while (channel_id := await queue.get()) is not None:
                try:
                    report.merge(await self._deliver_channel(channel_id))
                except Exception:
                    log.exception("delivery to channel %s failed", channel_id)
                    report.failed += 1

        workers: list[asyncio.Task[None]] = []
        failure: Exception | None = None
        try:
            try:
                async for batch in batches:
                    for channel_id in dict.fromkeys(batch):
                        if len(workers) < self._workers:
                            workers.append(asyncio.create_task(worker()))
                        await queue.put(channel_id)
            except Exception as exc:
                failure = exc
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
        except BaseException:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        if failure is not None:
            raise failure
        return report

    async def _deliver_channel(self, channel_id: int) -> RunReport:
        report = RunReport()
        async with self._channel_lock(channel_id):
            pending = await self._storage.pending_messages(channel_id, now=self._clock.now())
            if not pending:
                return report
            state = await self._storage.subscription_state(channel_id)
            if state is None:
                for message in pending:
                    await self._storage.mark_message(channel_id, message.nonce, "skipped", "unsubscribed")
                    report.skipped += 1
                return report
            if state.subscription.paused_reason:
                return report
            for message in pending:
                if not await self._send(state.subscription, message, report):
                    break  # keep this channel's order: the rest waits for the next run
        return report

    async def _send(self, sub: Subscription, message: PendingMessage, report: RunReport) -> bool:
        """Send one pending message; False when this channel should stop for now."""
        channel_id = sub.channel_id
        if not await self._may_send():
            report.held += 1
            return False  # pending, for the dispatcher
        briefings = await self._storage.get_briefings(message.briefing_ids)
        if not briefings:
            await self._storage.mark_message(channel_id, message.nonce, "skipped", "briefing removed")
            report.skipped += 1
            return True
        forums = self._forums if sub.forum else None  # a forum's posts are threads
        hook = await self._webhook_of(channel_id) if sub.webhook and forums is None else None
        started = message.started_at
        view = (
            self._card(message.kind, briefings, channel_id, _ping_text(message), style=self._style_of(sub))
            if hook is None
            else None
        )
        embeds = (
            render_message(message.kind, briefings, self._language(channel_id=channel_id))
            if view is None
            else []
        )
        tag_note = await self._missing_tags(sub, forums, briefings)
        for attempt in range(self._tries):
            try:
                found = await self._already_posted(
                    forums, message, briefings, since=started, hook=hook, embeds=embeds
                )
                if found is not None:
                    log.info("channel %s: post %s found on Discord, not made again", channel_id, found)
                    await self._storage.mark_sent(
                        channel_id, message.nonce, found, now=self._clock.now(), card=view is not None
                    )
                    report.sent += 1
                    return True
                async with self._limiter.slot(channel_id), self._requests:
                    if not await self._may_send():  # asked again: the wait for the slot may be long
                        report.held += 1
                        return False
                    if forums is not None or hook is not None:  # no nonce on these routes
                        started = started or self._clock.now()
                        await self._storage.mark_started(channel_id, message.nonce, now=started)
                    message_id = await self._post(forums, message, briefings, embeds, hook=hook, view=view)
            except TransientError as exc:
                if attempt + 1 < self._tries:
                    await self._clock.sleep(self._backoff * 2**attempt)
                    continue
                log.warning("channel %s: %s after %d tries; left pending", channel_id, exc, self._tries)
                await self._storage.record_send_failure(
                    channel_id, message.nonce, f"transient: {exc}", counts=False, threshold=0, pause_reason=""
                )
                report.deferred += 1
                return False
            except (NoAccess, ChannelGone, WebhookLost) as exc:
                await self._channel_failed(sub, message, exc, report)
                return False
            except Rejected as exc:
                log.error("channel %s rejected message %s: %s", channel_id, message.nonce, exc)
                await self._storage.mark_message(channel_id, message.nonce, "failed", f"rejected: {exc}")
                report.failed += 1
                return True
            else:
                await self._sent(
                    sub,
                    message,
                    message_id,
                    briefings,
                    forum=forums is not None,
                    card=view is not None,
                    note=tag_note,
                )
                report.sent += 1
                return True
        return False  # pragma: no cover - the loop always returns

    async def _sent(
        self,
        sub: Subscription,
        message: PendingMessage,
        message_id: int,
        briefings: Sequence[Briefing],
        *,
        forum: bool,
        card: bool = False,
        note: str | None = None,
    ) -> None:
        """Discord took the message: its discussion thread and its publish, then the outbox
        records it (so a crash before that repeats them, and Discord says they are done),
        with whether it is a ``card`` (a correction edits it as one) and a ``note`` for the
        delivery log (a forum post's tags that could not be created)."""
        guard = self._followups
        done = await guard.done(sub, message, message_id) if guard is not None and not forum else NOTHING_DONE
        await self._discussion(sub, message_id, message, briefings, forum=forum, done=done.thread)
        unpublished = await self._publish(
            sub, message_id, forum=forum, nonce=message.nonce, done=done.published
        )
        if unpublished == HELD_NOTE and self._publisher is not None:  # before it is recorded as sent
            await self._publisher.hold(sub.channel_id, message.nonce)
        now = self._clock.now()
        await self._storage.mark_sent(sub.channel_id, message.nonce, message_id, now=now, card=card)
        if note:
            await self._storage.mark_published(sub.channel_id, message.nonce, now=now, note=note)
        if sub.publish and not forum and self._forums is not None:
            await self._storage.mark_published(sub.channel_id, message.nonce, now=now, note=unpublished)

    async def _publish(
        self, sub: Subscription, message_id: int, *, forum: bool, nonce: str, done: bool = False
    ) -> str | None:
        """Publish a post of an announcement channel (``publish:true``), before the post is
        recorded as sent (after a crash it is published then; published already counts as
        done). Discord allows about ``publishing.PUBLISH_BUDGET`` publishes per channel an hour:
        past that, and on a 429, the post stays unpublished and joins the channel's publish
        digest (``HELD_NOTE``, stored in English like pause reasons); a publish is never retried.
        ``done``: Discord says it was published before a crash (``bot.delivery.followups``)."""
        channels = self._forums
        if channels is None or forum or not sub.publish or done:
            return None
        now = self._clock.now()
        publisher = self._publisher
        # Past the budget, or while earlier posts wait for their digest: this one joins them.
        if publisher is not None and (
            not await publisher.may_publish(sub.channel_id, now)
            or await self._storage.due_publish_digest(sub.channel_id) is not None
        ):
            log.info("channel %s: publish budget used: %s held for the digest", sub.channel_id, message_id)
            return HELD_NOTE
        if self._followups is not None:
            await self._followups.begin(sub.channel_id, nonce)
        try:
            async with self._limiter.slot(sub.channel_id), self._requests:
                await channels.publish(sub.channel_id, message_id)
        except TransientError as exc:  # a 429: Discord counts publishes we did not make
            log.warning("channel %s: message %s not published: %s", sub.channel_id, message_id, exc)
            if publisher is not None:
                publisher.refused(sub.channel_id, exc, now)
            return HELD_NOTE
        except DeliveryError as exc:
            log.warning("channel %s: message %s not published: %s", sub.channel_id, message_id, exc)
            return f"not published: {exc}"
        return None

    async def _discussion(
        self,
        sub: Subscription,
        message_id: int,
        message: PendingMessage,
        briefings: Sequence[Briefing],
        *,
        forum: bool,
        done: bool = False,
    ) -> None:
        """A discussion thread on a post, before the post is recorded as sent: after a crash
        the post is sent again with its nonce (Discord answers with the same message) and the
        thread made then, unless Discord says it is there (``done``; a thread begun is read
        back, ``bot.delivery.followups``, and made already counts as done). A thread Discord
        refuses costs the post nothing: it is logged."""
        threads = self._forums
        if threads is None or forum or not sub.thread_archive_minutes or done:
            return
        name = post_title(message.kind, briefings, self._language(channel_id=sub.channel_id))
        if self._followups is not None:
            await self._followups.begin(sub.channel_id, message.nonce)
        try:
            await self._retrying(
                sub.channel_id,
                lambda: threads.start_thread(
                    sub.channel_id, message_id, name=name, archive_minutes=sub.thread_archive_minutes
                ),
            )
        except DeliveryError as exc:
            log.warning("channel %s: no discussion thread on message %s: %s", sub.channel_id, message_id, exc)

    async def _post(
        self,
        forums: Forums | None,
        message: PendingMessage,
        briefings: Sequence[Briefing],
        embeds: Sequence[discord.Embed],
        *,
        hook: ChannelWebhook | None = None,
        view: discord.ui.LayoutView | None = None,
    ) -> int:
        """The request itself: a message with its nonce, or a forum post or a webhook
        execution (recorded as begun). A card (``view``) is the message alone: its mentions
        are in its text."""
        channel_id = message.channel_id
        content = _ping_text(message)
        mentions = allowed_mentions(message.ping_role_ids)
        if hook is not None and self._webhooks is not None:
            return await self._webhooks.post(hook, content=content, embeds=embeds, allowed_mentions=mentions)
        if view is not None:
            content, embeds = None, []
        if forums is None:
            return await self._sender.send(
                channel_id,
                content=content,
                embeds=embeds,
                nonce=message.nonce,
                allowed_mentions=mentions,
                view=view,
            )
        return await forums.create_post(
            channel_id,
            title=post_title(message.kind, briefings, self._language(channel_id=channel_id)),
            topics=post_topics(briefings),
            content=content,
            embeds=embeds,
            allowed_mentions=mentions,
            view=view,
        )

    async def _missing_tags(
        self, sub: Subscription, forums: Forums | None, briefings: Sequence[Briefing]
    ) -> str | None:
        """With ``create_tags``, the forum's missing tags for a post's topics are made before
        the post (never failing it); what could not be made, as a note for the delivery log."""
        if forums is None or not sub.create_tags:
            return None
        async with self._slot(sub.channel_id):
            return await forums.ensure_tags(sub.channel_id, post_topics(briefings))

    @asynccontextmanager
    async def _slot(self, channel_id: int) -> AsyncIterator[None]:
        """One request's rate-limit slot and place among the requests in flight."""
        async with self._limiter.slot(channel_id), self._requests:
            yield

    def _style_of(self, sub: Subscription | None) -> CardStyle:
        """How a channel's posts look: its subscription's ``style``, else the operator's."""
        return sub.card_style if sub is not None and sub.card_style is not None else self._cards

    def _card(
        self,
        kind: str,
        briefings: Sequence[Briefing],
        channel_id: int,
        ping: str | None,
        *,
        style: CardStyle,
    ) -> discord.ui.LayoutView | None:
        """The message as a Components V2 card in the channel's language (``ping`` leads it),
        or None when the channel keeps embeds."""
        if style != "components":
            return None
        return message_card(kind, briefings, tr=self._language(channel_id=channel_id), ping=ping)

    async def _correction_card(
        self, copy: PostedCopy, briefings: Sequence[Briefing]
    ) -> discord.ui.LayoutView | None:
        """A posted copy as its correction shows it: a card when its channel now takes cards
        (an embed post becomes one) or when it is a card already (Discord cannot take the flag
        off, so it stays one after the channel went back to embeds); None: embeds. The card
        keeps the line that led the post (its role mentions), which pings nobody again."""
        look = await self._storage.copy_look(copy.channel_id, copy.nonce)
        sub = await self._storage.get_subscription(copy.channel_id)
        style: CardStyle = "components" if look.card else self._style_of(sub)
        lead = look.content or ping_content(look.ping_role_ids)
        view = self._card(copy.kind, briefings, copy.channel_id, lead, style=style)
        if view is not None and not look.card:
            await self._storage.mark_card(copy.channel_id, copy.nonce)  # before: see mark_card
        return view

    async def _already_posted(
        self,
        forums: Forums | None,
        message: PendingMessage,
        briefings: Sequence[Briefing],
        *,
        since: datetime | None,
        hook: ChannelWebhook | None = None,
        embeds: Sequence[discord.Embed] = (),
    ) -> int | None:
        """A forum post or webhook execution begun before (then a crash or a timeout) may be
        on Discord: its id when it is there (not one of the channel's recorded posts).
        Discord's errors are raised as they are."""
        if since is None or (forums is None and hook is None):
            return None
        known = await self._storage.delivery_log([message.channel_id], limit=KNOWN_POSTS)
        exclude = frozenset(r.message_id for r in known if r.message_id is not None)
        if hook is not None and self._webhooks is not None:
            return await self._webhooks.find(hook, embeds, since=since - RECONCILE_SLACK, exclude=exclude)
        if forums is None:
            return None
        return await forums.find_post(
            message.channel_id,
            title=post_title(message.kind, briefings, self._language(channel_id=message.channel_id)),
            since=since - RECONCILE_SLACK,
            exclude=exclude,
        )

    async def _webhook_of(self, channel_id: int) -> ChannelWebhook | None:
        """The channel's branded webhook, when it has one (and the engine can use webhooks).
        Sends ask only for a subscription flagged ``webhook``; corrections ask for every copy."""
        return await self._webhooks.of_channel(channel_id) if self._webhooks is not None else None

    async def _webhook_lost(
        self, sub: Subscription, message: PendingMessage, exc: WebhookLost, report: RunReport
    ) -> None:
        """The channel's webhook is gone for good: pause at once (the usual failure pause, with
        a threshold of one) with the reason, which ``/subscriptions`` shows, and tell the server."""
        reason = f"{exc}; run /subscribe in that channel again to make a new one"
        outcome = await self._storage.record_send_failure(
            sub.channel_id,
            message.nonce,
            f"WebhookLost: {exc}",
            counts=True,
            threshold=1,
            pause_reason=reason,
        )
        report.failed += 1
        if outcome.paused:
            report.paused.append(sub.channel_id)
            log.warning("subscription of channel %s paused: its webhook is lost", sub.channel_id)
            channel = f"<#{sub.channel_id}>"
            notice = (
                N_(
                    "Briefings to {channel} are paused: its webhook was deleted and the bot may not "
                    "make a new one (it needs Manage Webhooks there). Fix it, then run /subscribe in "
                    "that channel again to resume.",
                    channel=channel,
                )
                if exc.denied
                else N_(
                    "Briefings to {channel} are paused: its webhook was deleted again after the bot "
                    "had made it anew. Run /subscribe in that channel again to resume.",
                    channel=channel,
                )
            )
            await self._alert(sub, notice)

    async def _may_send(self) -> bool:
        if self._fence is not None and not await self._fence.may_send():
            return False
        # Too many invalid requests lately: pending until the window passes (asked only by the
        # process that sends, so ``briefbot status`` shows the dispatcher's count).
        return self._budget is None or await self._budget.may_send(self._storage)

    async def _channel_failed(
        self, sub: Subscription, message: PendingMessage, exc: DeliveryError, report: RunReport
    ) -> None:
        if isinstance(exc, WebhookLost):
            await self._webhook_lost(sub, message, exc, report)
            return
        if isinstance(exc, ChannelGone):
            why = N_("the channel no longer exists (Unknown Channel)")
        else:
            why = N_(
                "the bot cannot post there (Missing Access or Missing Permissions: it needs View Channel, "
                "Send Messages and Embed Links)"
            )
        threshold = self._config.failure_threshold
        outcome = await self._storage.record_send_failure(
            sub.channel_id,
            message.nonce,
            f"{type(exc).__name__}: {exc}",
            counts=True,
            threshold=threshold,
            pause_reason=f"{why}; paused after {threshold} failed attempts",  # stored, in English
        )
        report.failed += 1
        log.warning("channel %s: %s (%d in a row)", sub.channel_id, type(exc).__name__, outcome.failures)
        if outcome.paused:
            report.paused.append(sub.channel_id)
            log.warning("subscription of channel %s paused: %s", sub.channel_id, why)
            await self._alert(
                sub,
                N_(
                    "Briefings to {channel} are paused: {why}. "
                    "Fix it, then run /subscribe in that channel again to resume.",
                    channel=f"<#{sub.channel_id}>",
                    why=why,
                ),
            )

    async def _alert(self, sub: Subscription, message: Message) -> None:
        """Tell the server's managers, in the server's language."""
        if self._notify is None:
            return
        text = self._language(guild_id=sub.guild_id).text(message)
        target = sub.alerts_channel_id or self._config.alerts_channel_id
        if target == sub.channel_id:
            target = None
        try:
            await self._notify(sub.guild_id, target, text)
        except Exception:
            log.exception("could not notify guild %s about channel %s", sub.guild_id, sub.channel_id)

    # -- corrections --------------------------------------------------------------

    async def correct(self, briefing_id: int) -> CopyReport:
        """Edit every posted copy of a briefing in place (the renderer marks it corrected).

        Call after ``storage.update_briefing``; a digest is re-rendered whole.
        """
        async with self._busy():
            copies = await self._storage.posted_copies(briefing_id)
            results = await asyncio.gather(*(self._edit_copy(c, exclude=None) for c in copies))
            return _copy_report(results)

    async def retract(self, removed: int | Sequence[tuple[int, int]]) -> CopyReport:
        """Take a removed briefing out of every posted copy: a post of its own is deleted,
        a digest that also shows other briefings is edited to leave it out.

        ``removed`` is the briefing id, or the ``(channel_id, message_id)`` pairs that
        ``storage.remove_briefing`` returned. Call after removing it (the outbox keeps
        the message ids).
        """
        async with self._busy():
            if isinstance(removed, int):
                copies = await self._storage.posted_copies(removed)
            else:
                copies = await self._storage.copies_of_messages(list(removed))
            exclude = removed if isinstance(removed, int) else None
            results = await asyncio.gather(*(self._edit_copy(c, exclude=exclude) for c in copies))
            return _copy_report(results)

    async def refresh_due_copies(self, *, batch: int = 100) -> CopyReport:
        """Correct or delete the posted messages that another process (or the command line)
        marked (``queue_copy_refresh``): each is rendered again from the briefings it still
        shows, or deleted when it shows none. The dispatcher's work: it stops as soon as this
        process may no longer send."""
        results: list[str] = []
        async with self._busy():
            while await self._may_send():
                copies = await self._storage.due_copies(batch)
                if not copies:
                    break

                async def refresh(copy: PostedCopy) -> str:
                    try:
                        return await self._edit_copy(copy, exclude=None)
                    finally:
                        await self._storage.clear_copy_refresh(copy.channel_id, copy.nonce)

                results += await asyncio.gather(*(refresh(c) for c in copies))
        return _copy_report(results)

    async def _edit_copy(self, copy: PostedCopy, *, exclude: int | None) -> str:
        keep = [b for b in copy.briefing_ids if b != exclude]
        briefings = await self._storage.get_briefings(keep)
        hook = await self._webhook_of(copy.channel_id)
        view = await self._correction_card(copy, briefings) if briefings and hook is None else None
        now = self._clock.now()
        if self._budget is not None and self._budget.stopped():  # refused edits would add to it
            log.warning(
                "channel %s message %s: not changed: too many invalid requests",
                copy.channel_id,
                copy.message_id,
            )
            return "failed"
        async with self._channel_lock(copy.channel_id):
            try:
                if briefings:
                    embeds = render_message(copy.kind, briefings, self._language(channel_id=copy.channel_id))
                    if self._replier is not None and await self._replier.edit_reply(copy, embeds):
                        return await self._edited(copy, briefings, now, "edited")  # its reply shows it
                    await self._retrying(
                        copy.channel_id,
                        lambda: (
                            self._sender.edit(
                                copy.channel_id,
                                copy.message_id,
                                embeds=embeds,
                                view=view,
                            )
                            if hook is None or self._webhooks is None
                            else self._webhooks.edit(copy.channel_id, hook, copy.message_id, embeds=embeds)
                        ),
                    )
                    outcome = "edited"
                else:
                    await self._retrying(
                        copy.channel_id,
                        lambda: (
                            self._sender.delete(copy.channel_id, copy.message_id)
                            if hook is None or self._webhooks is None
                            else self._webhooks.delete(copy.channel_id, hook, copy.message_id)
                        ),
                    )
                    outcome = "deleted"
                    if self._replier is not None:  # its correction reply shows it too
                        await self._replier.delete_reply(copy)
            except MessageGone:
                await self._storage.mark_retracted(copy.channel_id, copy.nonce, copy.briefing_ids, now=now)
                return "gone"
            except EditRefused as exc:  # never retried: the correction goes as a reply
                outcome = await self._reply_instead(copy, briefings, exc)
                if outcome == "failed":
                    return outcome
            except DeliveryError as exc:
                log.warning("channel %s message %s: %s", copy.channel_id, copy.message_id, exc)
                return "failed"
        return await self._edited(copy, briefings, now, outcome)

    async def _reply_instead(
        self, copy: PostedCopy, briefings: Sequence[Briefing], refused: EditRefused
    ) -> str:
        """Discord refused to edit ``copy``: post its correction as a reply (once)."""
        if self._replier is None:
            log.warning("channel %s message %s: %s", copy.channel_id, copy.message_id, refused)
            return "failed"
        embeds = render_message(copy.kind, briefings, self._language(channel_id=copy.channel_id))
        try:
            await self._replier.post(copy, embeds, refused)
        except DeliveryError as exc:
            log.warning(
                "channel %s message %s: no correction reply: %s", copy.channel_id, copy.message_id, exc
            )
            return "failed"
        return "edited"

    async def _edited(
        self, copy: PostedCopy, briefings: Sequence[Briefing], now: datetime, outcome: str
    ) -> str:
        gone = [b for b in copy.briefing_ids if b not in {x.id for x in briefings}]
        if gone:
            await self._storage.mark_retracted(copy.channel_id, copy.nonce, gone, now=now)
        if briefings:
            await self._storage.mark_edited(copy.channel_id, copy.nonce, now=now)
        return outcome

    async def _retrying(self, channel_id: int, call: Callable[[], Awaitable[None]]) -> None:
        for attempt in range(self._tries):
            try:
                async with self._limiter.slot(channel_id), self._requests:
                    await call()
                return
            except TransientError:
                if attempt + 1 >= self._tries:
                    raise
                await self._clock.sleep(self._backoff * 2**attempt)

    # -- subscription events --------------------------------------------------

    async def backfill(self, channel_id: int, count: int) -> RunReport:
        """Post the ``count`` newest matching briefings from before the subscription
        (``/subscribe ... backfill:N``), as posts or, on a digest schedule, one digest."""
        async with self._busy():
            report = RunReport()
            state = await self._storage.subscription_state(channel_id)
            if state is None or count <= 0 or state.subscription.paused_reason:
                return report
            sub = state.subscription
            now = self._clock.now()
            recent = await self._storage.recent_candidates(
                sub.since_briefing_id, now=now, limit=max(200, count)
            )
            chosen = [c for c in recent if matches(sub, c)][:count]
            recorded = await self._storage.recorded_pairs([c.id for c in chosen])
            plan = plan_backfill(state, chosen, recorded)
            if not plan.messages:
                return report
            await self._storage.record_plans([plan], now=now)
            report.planned = len(plan.messages)
            report.merge(await self.fan_out([channel_id]))
            return report

    async def test_post(self, channel_id: int) -> PostedTest | None:
        """Post the newest briefing that passes this channel's filters, now, as the channel
        would get it (a card, or a digest of one on a digest schedule) and marked as a test:
        through the same sender and rate limits, but nothing is recorded (no outbox row, no
        delivery time, no failure count) and nobody is pinged; the note names the roles a real
        post would mention. None when the channel has no subscription or nothing matches.

        Not fenced: it answers a manager's command in whichever process took it, and, being
        recorded nowhere, it is never sent again. Discord's errors are raised as they are
        (``NoAccess``, ``ChannelGone``, ``Rejected``, ``TransientError``)."""
        sub = await self._storage.get_subscription(channel_id)
        if sub is None:
            return None
        now = self._clock.now()
        recent = await self._storage.recent_candidates(
            await self._storage.max_briefing_id(), now=now, limit=TEST_POST_LOOKBACK
        )
        chosen = next((c for c in recent if matches(sub, c)), None)
        briefings = await self._storage.get_briefings([chosen.id]) if chosen is not None else []
        if chosen is None or not briefings:
            return None
        tr = self._language(channel_id=channel_id)
        kind = "post" if sub.schedule is ScheduleKind.INSTANT else "digest"
        note = tr.gettext("🧪 Test post: this is how briefings will look here. Nothing was recorded.")
        roles = ping_roles(sub, briefings)
        if roles:
            note += "\n" + tr.gettext(
                "A real post of this briefing would mention {roles}.", roles=ping_content(roles)
            )
        embeds = render_message(kind, briefings, tr)
        hook = await self._webhook_of(channel_id) if sub.webhook and not sub.forum else None
        style = self._style_of(sub)
        view = self._card(kind, briefings, channel_id, note, style=style) if hook is None else None
        async with self._limiter.slot(channel_id), self._requests:
            if hook is not None and self._webhooks is not None:
                message_id = await self._webhooks.post(
                    hook, content=note, embeds=embeds, allowed_mentions=discord.AllowedMentions.none()
                )
            elif self._forums is not None and sub.forum:
                message_id = await self._forums.create_post(
                    channel_id,
                    title=post_title(kind, briefings, tr),
                    topics=post_topics(briefings),
                    content=None if view is not None else note,
                    embeds=[] if view is not None else embeds,
                    allowed_mentions=discord.AllowedMentions.none(),
                    view=view,
                )
            else:
                message_id = await self._sender.send(
                    channel_id,
                    content=None if view is not None else note,
                    embeds=[] if view is not None else embeds,
                    nonce=secrets.token_hex(NONCE_LENGTH // 2),
                    allowed_mentions=discord.AllowedMentions.none(),
                    view=view,
                )
        log.info("test post of briefing %s to channel %s", chosen.id, channel_id)
        return PostedTest(message_id, briefings[0].id, briefings[0].title)

    async def channel_deleted(self, channel_id: int) -> None:
        """Gateway: a subscribed channel or thread was deleted. Pause at once, drop what
        was pending there and tell the server."""
        sub = await self._storage.pause_channel(channel_id, "the channel was deleted")
        if sub is not None:
            log.info("channel %s deleted: subscription paused", channel_id)
            await self._alert(
                sub,
                N_(
                    "The channel {channel} was deleted, so its briefings subscription is paused.",
                    channel=f"<#{channel_id}>",
                ),
            )

    async def guild_removed(self, guild_id: int) -> int:
        """Gateway: the bot left (or was removed from) a server. Its subscriptions go."""
        removed = await self._storage.remove_guild(guild_id)
        log.info("left guild %s: %d subscription(s) removed", guild_id, removed)
        return removed

    # -- status -------------------------------------------------------------------

    async def status(self, *, guild_id: int | None = None) -> DeliveryStatus:
        """For ``briefbot status`` and ``/subscriptions``."""
        return await read_status(self._storage, now=self._clock.now(), guild_id=guild_id)

    # -- bookkeeping ---------------------------------------------------------------

    async def wait_idle(self) -> None:
        """Wait until no run, correction or retraction is in progress."""
        await self._idle.wait()

    @asynccontextmanager
    async def _busy(self) -> AsyncIterator[None]:
        self._active += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    @asynccontextmanager
    async def _channel_lock(self, channel_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(channel_id, asyncio.Lock())
        self._lock_users[channel_id] = self._lock_users.get(channel_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._lock_users[channel_id] -= 1
            if self._lock_users[channel_id] == 0:
                del self._lock_users[channel_id]
                del self._locks[channel_id]


def _ping_text(message: PendingMessage) -> str | None:
    """What leads the message: its frozen content (mentions and any note), else the mentions."""
    return message.content or ping_content(message.ping_role_ids)


def _copy_report(results: Sequence[str]) -> CopyReport:
    return CopyReport(
        edited=results.count("edited"),
        deleted=results.count("deleted") + results.count("gone"),
        failed=results.count("failed"),
    )
