"""The rules of a subscription without Discord or a database: filters with exclusions and word
forms, topic pings, the hourly cap in the plan, and why a briefing was or was not delivered."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.explain import explain, explanation_text, filter_text
from bot.delivery.planner import (
    HourlyCap,
    allowed_mentions,
    filter_verdict,
    held_nonce,
    ping_content,
    ping_roles,
    plan_channel,
)
from bot.delivery.records import Candidate, DeliveryRecord, Explanation, FilterRule, Reason, SubscriptionState
from bot.i18n import localizer
from bot.models import ScheduleKind, Subscription
from bot.timetable import hour_window

NOW = datetime(2026, 3, 2, 10, 20, tzinfo=UTC)


def sub(**kw) -> Subscription:
    fields = {
        "channel_id": 1,
        "guild_id": 9,
        "schedule": ScheduleKind.INSTANT,
        "created_at": NOW - timedelta(days=1),
    }
    return Subscription(**{**fields, **kw})


def item(
    id: int = 5, title: str = "Story", body: str = "", tags: tuple[str, ...] = (), at: datetime = NOW
) -> Candidate:
    return Candidate(id, title, body or f"{title}.", tags, at)


# -- filters ---------------------------------------------------------------------------------


def test_an_excluded_topic_beats_a_listed_topic():
    """A channel that excludes 'sport' would still get a sport story tagged with a topic it follows."""
    s = sub(topics=("energy",), exclude_topics=("sport",))
    verdict = filter_verdict(s, item(tags=("Energy", "SPORT")))
    assert not verdict.passed
    assert verdict.rule is FilterRule.EXCLUDED_TOPIC and verdict.topic == "sport"
    assert filter_verdict(s, item(tags=("energy",))).passed


def test_an_excluded_keyword_beats_a_listed_keyword_in_any_form():
    """'tariff' excluded would let "Tariffs rise" through, or a listed keyword would override the exclusion."""
    s = sub(keywords=("grid",), exclude_keywords=("tariff",))
    verdict = filter_verdict(s, item(title="Grid tariffs rise"))
    assert (verdict.passed, verdict.rule, verdict.keyword) == (False, FilterRule.EXCLUDED_KEYWORD, "tariff")
    assert filter_verdict(s, item(title="Grid repairs")).passed
    # a whole word only: "gridlock" is not "grid"
    assert filter_verdict(s, item(title="Gridlock")).rule is FilterRule.NO_KEYWORD


def test_excluded_ukrainian_and_russian_keywords_match_every_form():
    """Excluding 'тариф' would let "тарифи" or "тарифов" through."""
    s = sub(exclude_keywords=("тариф",))
    for title in ("Нові тарифи на газ", "Повышение тарифов"):
        verdict = filter_verdict(s, item(title=title))
        assert verdict.rule is FilterRule.EXCLUDED_KEYWORD, title
    assert filter_verdict(s, item(title="Тарифікація дзвінків")).passed  # another word


def test_the_verdict_names_the_rule_that_let_it_through():
    """The delivery log could not say why a briefing passed."""
    assert filter_verdict(sub(), item()).rule is FilterRule.NO_FILTERS
    both = filter_verdict(sub(topics=("energy",), keywords=("grid",)), item(title="Grid", tags=("energy",)))
    assert (both.rule, both.topic, both.keyword) == (FilterRule.INCLUDED, "energy", "grid")
    missing = filter_verdict(sub(topics=("energy", "eu")), item(tags=("trade",)))
    assert (missing.rule, missing.topic) == (FilterRule.NO_TOPIC, "energy, eu")
    assert filter_text(missing) == "none of the topics energy, eu"
    assert filter_text(both, localizer("uk")) == "тема «energy» і ключове слово «grid»"


# -- topic pings ---------------------------------------------------------------------------


def test_a_post_mentions_exactly_the_roles_of_the_topics_it_carries():
    """A post would ping the roles of topics it does not carry, or ping @everyone."""
    s = sub(role_id=100, topic_roles=(("energy", 200), ("eu", 300), ("trade", 400)))
    roles = ping_roles(s, [item(tags=("EU", "Energy"))])
    assert roles == (100, 200, 300)
    assert ping_content(roles) == "<@&100> <@&200> <@&300>"
    # Discord reads this as: no @everyone, no users, only these roles.
    mentions = allowed_mentions(roles).to_dict()
    assert mentions["parse"] == [] and mentions.get("roles") == [100, 200, 300] and "users" not in mentions
    nobody = allowed_mentions(()).to_dict()
    assert nobody["parse"] == [] and "roles" not in nobody and "users" not in nobody


# -- the hourly cap in the plan --------------------------------------------------------------


def test_the_cap_posts_up_to_n_and_holds_the_rest_for_one_digest():
    """A busy instant channel would get every briefing as its own post, past its cap."""
    s = sub(max_per_hour=2, topic_roles=(("eu", 300),))
    state = SubscriptionState(s, cursor_id=0, last_run_at=None)
    candidates = [item(i, f"Story {i}", tags=("eu",) if i == 5 else ()) for i in range(1, 6)]
    start, end = hour_window(s, NOW)
    assert (start, end) == (datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC))
    plan = plan_channel(
        state, candidates, set(), now=NOW, catchup_max=5, digest=False, cap=HourlyCap(used=1, hour_ends=end)
    )
    posts = [m for m in plan.messages if m.kind == "post"]
    [held] = [m for m in plan.messages if m.kind == "digest"]
    assert [p.briefing_ids for p in posts] == [(1,)]
    assert held.briefing_ids == (2, 3, 4, 5) and held.hold_until == end
    assert held.nonce == held_nonce(1, end) and held.ping_role_ids == (300,)
    assert held.content is None  # mentions are made when it is sent, for all its rows
    uncapped = plan_channel(state, candidates, set(), now=NOW, catchup_max=5, digest=False)
    assert [m.kind for m in uncapped.messages] == ["post"] * 5


# -- why it was or was not delivered -------------------------------------------------------


def _explain(s: Subscription, b: Candidate, records=(), cursor: int = 0, now: datetime = NOW):
    return explain(SubscriptionState(s, cursor, None), b, list(records), now=now)


def _record(state: str, **kw) -> DeliveryRecord:
    fields = {
        "channel_id": 1,
        "briefing_id": 5,
        "title": "Story",
        "state": state,
        "kind": "post",
        "message_id": None,
        "created_at": NOW,
        "sent_at": None,
        "attempts": 0,
        "last_error": None,
    }
    return DeliveryRecord(**{**fields, **kw})


def test_each_reason_a_briefing_was_or_was_not_delivered():
    """A manager asking why a briefing never arrived would get no answer, or the wrong one."""
    s = sub(since_briefing_id=3, topics=("energy",))
    energy = item(tags=("energy",))
    assert _explain(s, item(id=2, tags=("energy",))).reason is Reason.BEFORE_START
    filtered = _explain(s, item(tags=("sport",)))
    assert (
        filtered.reason is Reason.FILTERED and filtered.filter and filtered.filter.rule is FilterRule.NO_TOPIC
    )
    later = NOW + timedelta(hours=3)
    embargoed = _explain(s, replace(energy, published_at=later))
    assert (embargoed.reason, embargoed.at) == (Reason.EMBARGOED, later)
    paused = _explain(
        replace(s, paused_reason="paused by a manager", paused_by_hand=True, paused_at=NOW), energy
    )
    assert (paused.reason, paused.by_hand, paused.at) == (Reason.PAUSED, True, NOW)
    broken = _explain(replace(s, paused_reason="the channel was deleted"), energy)
    assert (broken.reason, broken.by_hand, broken.detail) == (Reason.PAUSED, False, "the channel was deleted")
    daily = replace(s, schedule=ScheduleKind.DAILY, time="09:00")
    waiting = _explain(daily, energy)
    assert (waiting.reason, waiting.at) == (Reason.NEXT_DIGEST, datetime(2026, 3, 3, 9, tzinfo=UTC))
    assert _explain(s, energy).reason is Reason.NEXT_RUN
    assert _explain(s, energy, cursor=5).reason is Reason.PASSED_OVER
    sent = _explain(s, energy, [_record("sent", message_id=42, sent_at=NOW)])
    assert (sent.reason, sent.message_id) == (Reason.SENT, 42)
    failed = _explain(
        s, energy, [_record("failed", last_error="rejected: 400 Bad Request (error code: 50035)")]
    )
    assert failed.reason is Reason.FAILED and "50035" in (failed.detail or "")
    held = _explain(s, energy, [_record("pending", kind="digest", hold_until=NOW + timedelta(minutes=40))])
    assert held.reason is Reason.HELD
    retrying = _explain(
        s, energy, [_record("pending", last_error="NoAccess: 403 Forbidden (error code: 50013)")]
    )
    assert retrying.reason is Reason.SENDING and "50013" in (retrying.detail or "")
    assert _explain(s, energy, [_record("skipped", last_error="catch-up limit")]).reason is Reason.SKIPPED


def test_the_explanation_reads_as_a_sentence_in_the_manager_s_language():
    """The log would show a reason code instead of saying why, or say it in English to a Ukrainian manager."""
    s = sub(exclude_keywords=("sport",))
    why = _explain(s, item(title="Sport results"))

    def text(e: Explanation, language: str = "en") -> str:
        return explanation_text(e, localizer(language), when=datetime.isoformat, channel=str, poll_seconds=60)

    assert text(why) == "Not delivered: filtered out by excluded keyword 'sport'."
    assert text(why, "uk") == "Не доставлено: його відсіяв фільтр — виключене ключове слово «sport»."
    assert text(_explain(sub(), item()), "ru") == "Ожидает следующего запуска (раз в 60 секунд)."


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Europe/Kyiv"])
def test_the_cap_s_hour_is_the_channel_s_local_clock_hour(zone: str):
    """A channel in a half-hour zone would have its hourly digest at :30 of its own clock."""
    start, end = hour_window(sub(timezone=zone), NOW)
    assert end - start == timedelta(hours=1)
    assert end.astimezone(__import__("zoneinfo").ZoneInfo(zone)).minute == 0
