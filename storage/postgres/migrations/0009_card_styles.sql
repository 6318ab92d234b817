-- 0009: how each channel's posts look, and how each posted message looks (issue #15); SQLite's 0016.
--
-- A channel may keep classic embeds or take Components V2 cards whatever the operator's
-- `[discord] cards` says (/subscribe ... style:embed|card). NULL: the operator's setting, so
-- changing that setting changes every channel that chose nothing.
--
-- Discord cannot take the Components V2 flag off a message, so a correction must know
-- whether the message it edits is a card: a card is edited as a card even after its channel
-- went back to embeds. Set with the message id, on every row of the message.

ALTER TABLE subscriptions ADD COLUMN card_style text CHECK (card_style IN ('embed', 'components'));
ALTER TABLE deliveries ADD COLUMN as_card boolean NOT NULL DEFAULT false;
