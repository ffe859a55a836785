-- Order numbers as people type them (issue 16): lookups match upper(order_number) against the
-- typed number read by src/domain/order-number.ts (trimmed, leading '#' dropped, upper case).
-- Not unique: numbers already stored may differ only in case; a lookup then takes the first.
CREATE INDEX orders_number_key ON orders (upper(order_number));
-- A typo never counts toward a lookup lock-out twice (issue 16): the same wrong proof of the same
-- order from the same client is counted once per window. Only a hash of (order key, client,
-- proof) is kept, never what was typed; rows past expires_at mean nothing and are pruned.
CREATE TABLE lookup_repeats (
  repeat_hash text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX lookup_repeats_expiry ON lookup_repeats (expires_at);
