"""Sources: briefings that arrive by themselves from the feeds and pages of official bodies.

A source is an RSS 0.9x/1.0/2.0, Atom or JSON feed, or a single web page, polled on its
own interval. Its new entries become briefings at once (publish mode) or wait as drafts
for a publisher (review mode); a changed entry corrects its briefing, and its posted
copies, as an edit by hand would. The modules, from the network inwards:

- ``_safety``: which addresses may be fetched at all (a feed URL is anyone's input);
- ``_fetch``: the HTTP client: limits, redirects, conditional GET, politeness per host;
- ``_feeds``, ``_html``, ``_article``: a document as entries of plain text (feedparser with
  a defused XML parser, JSON Feed by hand, trafilatura for article pages);
- ``_entries``: what makes two entries the same, and an entry as a ``Draft``;
- ``_poller``: one poll: what each entry is, stored once;
- ``_desk``: ``SourceDesk``, the service ``/source``, ``/article review`` and the CLI call.
"""

from bot.sources._desk import Approved, SourceDesk, build_sources, user_agent
from bot.sources._fetch import Fetcher, FetchError, FetchLimits, Response
from bot.sources._poller import ItemReport, Outcome, PollReport, PollSettings, SourcePoller
from bot.sources._safety import AddressPolicy, RefusedError, Resolver, system_resolver

__all__ = [
    "AddressPolicy",
    "Approved",
    "FetchError",
    "FetchLimits",
    "Fetcher",
    "ItemReport",
    "Outcome",
    "PollReport",
    "PollSettings",
    "RefusedError",
    "Resolver",
    "Response",
    "SourceDesk",
    "SourcePoller",
    "build_sources",
    "system_resolver",
    "user_agent",
]
