"""Values the layers above storage share with every backend. A leaf: it imports nothing.

Backends read these at call time (``constants.SEARCH_WINDOW``, not a copy bound at
import), so a test that lowers one changes what the backend does.
"""

# A search ranks only the newest SEARCH_WINDOW matches and reports at most that many as
# its total (shown as "1,000+"): ranking every match of a common word costs time in
# proportion to the archive, and in a news archive the recent matches are the ones wanted.
SEARCH_WINDOW = 1000

# Around each matched word of a search snippet: private-use characters no article
# contains, turned into Markdown bold by the renderer after the snippet text is escaped.
SNIPPET_START = "\ue000"
SNIPPET_END = "\ue001"

# The meta key of the highest briefing id ever removed. A briefing id is never given again:
# the outbox keeps a removed briefing's posted copies under its id, and a subscription
# delivers only briefings after the id it was made at. SQLite would reuse the id of the
# newest briefing once it is removed, so an insert starts above this; PostgreSQL's sequence
# never goes back, and ``db copy`` moves it past this too.
META_HIGHEST_REMOVED_ID = "briefings.highest_removed_id"

# The meta key of the sending process's invalid-request count (``bot.delivery.budget``),
# for ``briefbot status``; not copied by ``db copy``.
META_INVALID_REQUESTS = "delivery.invalid_requests"

# The meta key ``record_instant_run`` writes (an ISO 8601 time) and the status report reads.
META_INSTANT_LAST_RUN = "delivery.instant_last_run"

# The meta key of a gateway rate-limit bucket's last IDENTIFY claim on SQLite
# (``claim_identify_slot``): seconds since the epoch. PostgreSQL has a table for them.
META_IDENTIFY_SLOT = "gateway.identify.{bucket}"

# A bot process's record (``Coordination.beat``) is forgotten after this long without a beat.
PROCESS_FORGOTTEN_SECONDS = 24 * 3600
