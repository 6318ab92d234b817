-- 0015: channels that follow a home announcement channel through Discord (issue #15).
--
-- `/subscribe ... mode:follow` asks Discord to make the channel follow one of the operator's
-- home announcement channels ([follow] channels): Discord then copies every post published
-- there into the channel, so a briefing costs the bot one post and one publish per home
-- channel whatever the number of followers. Discord answers with the follower webhook it
-- created in the channel; deleting that webhook (on /unsubscribe) ends the follow, so it is
-- kept here, with the home channel and its topic for /subscriptions. Not a subscription:
-- the delivery engine never plans anything for these channels.

CREATE TABLE follows (
    channel_id      INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    home_channel_id INTEGER NOT NULL,
    topic           TEXT NOT NULL,
    webhook_id      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX follows_guild ON follows (guild_id);
