-- Truthful dates (DESIGN.md): a lane is ship-from postal code -> ship-to postal code, each with
-- its country. A blank country is the store's (WISMO_COUNTRY), read when a lane is formed.
ALTER TABLE suppliers ADD COLUMN postal_code text;
ALTER TABLE suppliers ADD COLUMN country text CHECK (country ~ '^[A-Z]{2}$');
ALTER TABLE orders ADD COLUMN country text CHECK (country ~ '^[A-Z]{2}$');

-- `wismo accuracy` and the dashboard read lines by the day they were delivered.
CREATE INDEX line_state_history_delivered ON line_state_history (eta_latest) WHERE state = 'delivered';
