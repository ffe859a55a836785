-- The customer's view of an order, stored once derived: a repeat lookup is one indexed read.
-- A view is valid while its order's version, the catalog epoch and its day are unchanged.
ALTER TABLE orders ADD COLUMN version bigint NOT NULL DEFAULT 0;

CREATE TABLE view_epoch (
  id    boolean PRIMARY KEY DEFAULT true CHECK (id),
  epoch bigint NOT NULL DEFAULT 0
);
INSERT INTO view_epoch DEFAULT VALUES;

CREATE TABLE order_views (
  order_id      bigint PRIMARY KEY REFERENCES orders ON DELETE CASCADE,
  order_version bigint NOT NULL,
  view_key      text NOT NULL,     -- epoch, calendar and day (or "stable" once every line is final)
  view          text NOT NULL,     -- the JSON answer, as served
  computed_at   timestamptz NOT NULL
);

-- Anything that can change what a customer is told about a line marks it dirty (signals,
-- shipments, carrier events, imports, choices); that also moves its order's version on.
CREATE FUNCTION bump_order_version_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE orders SET version = version + 1 WHERE order_id IN (SELECT DISTINCT order_id FROM new_rows WHERE dirty);
  RETURN NULL;
END $$;
CREATE FUNCTION bump_order_version_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE orders SET version = version + 1 WHERE order_id IN (SELECT DISTINCT order_id FROM new_rows);
  RETURN NULL;
END $$;
CREATE TRIGGER order_lines_version_upd AFTER UPDATE ON order_lines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_order_version_upd();
CREATE TRIGGER order_lines_version_ins AFTER INSERT ON order_lines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_order_version_ins();
