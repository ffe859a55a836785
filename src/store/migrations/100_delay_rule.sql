-- The delay rule (16 CFR 435; DESIGN.md "The law on delays"), issue 15 items 11, 13, 15, 17.

-- The applicable time when the store stated no ship date: 30 days after the order was received
-- with payment (paid_at; NULL means placed_at), 50 for an order on the store's own credit.
ALTER TABLE orders ADD COLUMN paid_at timestamptz;
ALTER TABLE orders ADD COLUMN seller_credit boolean NOT NULL DEFAULT false;

-- The entire amount tendered, for refunds: each line's tax, the order's shipping and handling.
ALTER TABLE orders ADD COLUMN order_shipping numeric(12,2) CHECK (order_shipping >= 0);
ALTER TABLE order_lines ADD COLUMN line_tax numeric(12,2) CHECK (line_tax >= 0);
-- What a refund's amount is made of (amount = price part + tax + shipping).
ALTER TABLE refunds ADD COLUMN tax numeric(12,2) NOT NULL DEFAULT 0 CHECK (tax >= 0);
ALTER TABLE refunds ADD COLUMN shipping numeric(12,2) NOT NULL DEFAULT 0 CHECK (shipping >= 0);

-- Every message that carried a delay notice (email, SMS), and whether it carried all of the
-- notice: a text too short for it is a pointer to the full notice, not the notice itself.
CREATE TABLE delay_notice_messages (
  notice_id        bigint NOT NULL REFERENCES delay_notices ON DELETE CASCADE,
  notification_id  bigint NOT NULL REFERENCES notifications ON DELETE CASCADE,
  complete         boolean NOT NULL,
  PRIMARY KEY (notice_id, notification_id)
);
CREATE INDEX delay_notice_messages_notification ON delay_notice_messages (notification_id);

-- Notices recorded before: their messages are those queued with the same outreach key (one per
-- channel); only an email carried the whole notice (texts were always the short pointer).
INSERT INTO delay_notice_messages (notice_id, notification_id, complete)
SELECT d.notice_id, m.notification_id, m.channel = 'email'
  FROM delay_notices d
  JOIN notifications n ON n.notification_id = d.notification_id
  JOIN notifications m ON m.order_id = n.order_id AND m.channel IN ('email', 'sms')
   AND regexp_replace(m.dedupe_key, ':[a-z]+$', '') = regexp_replace(n.dedupe_key, ':[a-z]+$', '')
ON CONFLICT DO NOTHING;
