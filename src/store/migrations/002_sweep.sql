-- The sweep looks only at lines that changed (dirty) or whose state can change with time alone
-- (next_check_at has come): its cost follows what changed, not every line ever ordered.
ALTER TABLE order_lines ADD COLUMN next_check_at timestamptz;
ALTER TABLE order_lines ADD COLUMN state_eta_earliest date;
ALTER TABLE order_lines ADD COLUMN state_eta_source text;
ALTER TABLE order_lines ADD COLUMN state_quantities jsonb;
CREATE INDEX order_lines_next_check ON order_lines (next_check_at) WHERE NOT closed AND next_check_at IS NOT NULL;
