-- Failed proofs per looked-up key (an order number, a phone number…), shared by every wismo
-- process on one database so that guessing spread over many clients and servers is still counted.
-- The key is stored as a SHA-256, never as typed. A row means nothing once both its counting
-- window and any lock-out are over; lookups prune such rows as they go.
CREATE TABLE lookup_failures (
  scope text NOT NULL,
  key_hash text NOT NULL,
  failures integer NOT NULL CHECK (failures >= 1),
  window_ends_at timestamptz NOT NULL,
  locked_until timestamptz,
  -- wrong proofs refused while locked (they do not prolong the lock-out)
  refused integer NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, key_hash)
);
CREATE INDEX lookup_failures_expiry ON lookup_failures (window_ends_at);
