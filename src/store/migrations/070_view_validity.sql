-- Stored views are invalidated per order, never all at once: a catalog change reaches the orders
-- with lines of the SKUs (or suppliers) it changed, and a view says until when time alone leaves
-- it as it is (the earliest next check of its lines), so it survives the night when nothing about
-- it can change and the sweep re-writes it when something can. view_key now holds only the
-- calendar's fingerprint; the global view_epoch is no longer read.
ALTER TABLE order_views ADD COLUMN valid_until timestamptz;

-- "Which orders have lines of these SKUs?" is one index scan (src/status/view-stale.ts).
CREATE INDEX order_lines_sku ON order_lines (sku);
