-- A switch is now confirmed to the customer by the next sweep (outreach trigger `switched`, keyed
-- `switch:<decided_at as ISO-8601 UTC>`). Switches made before this version were never confirmed;
-- telling those customers now, perhaps weeks later, would be noise: count them as told.
INSERT INTO outreach_told (order_line_id, trigger, eta_key, notification_id, told_at)
SELECT order_line_id, 'switched', 'switch:' || to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), NULL, decided_at
  FROM line_choices WHERE choice = 'switch'
ON CONFLICT DO NOTHING;
