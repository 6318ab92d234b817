"""The delivery engine: each new briefing reaches each subscribed channel exactly once.

How exactly-once works:

1. *Plan.* A run decides, per channel, which briefings are new (id above the
   subscription's starting point and cursor, published, matching its filters, not
   already in the outbox) and writes one ``pending`` outbox row per briefing before
   anything is sent to that channel (a chunk of channels per transaction, so a large
   fan-out starts sending while later channels are still being planned). Rows that
   make up one Discord message share a deterministic nonce derived from the channel
   and the briefing ids.
2. *Send.* Each pending message is sent with that nonce (``enforce_nonce``), then
   marked ``sent`` with the Discord message id.
3. *Recover.* After a crash between 1 and 2, ``recover_pending()`` sends the same
   message with the same nonce: Discord returns the message it already created
   rather than posting it twice, and the row is marked ``sent``. Forum posts and
   webhook executions take no nonce: the row records ``started_at`` before the
   request, and a row found so marked is first looked for on Discord (the forum's
   posts; the channel's newest messages by that webhook) and only then made again.

The engine does no Discord I/O of its own: it talks to a ``Sender`` (a thin adapter
over discord.py in ``bot.discord_sender``, an in-memory fake in tests) and reads the
time from an injectable ``Clock``.
"""
