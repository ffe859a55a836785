-- Lines waiting on a decision by SKU: an offer change finds the orders whose stored views list
-- that SKU (or its family, or its equivalents) as an alternative, without a scan of all lines.
CREATE INDEX order_lines_waiting_sku ON order_lines (sku) WHERE NOT closed AND state IN ('backordered', 'unavailable', 'delayed');
