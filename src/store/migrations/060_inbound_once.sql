-- "Stored once" as a database guarantee. `identity` is what identifies a message of its kind:
-- the sender's own key (X12 sender + control number, a webhook's event id) or, without one, the
-- supplier (or import kind) and the sha256 of the bytes. At most one message per identity is
-- being applied or applied; the INSERT decides a race (ON CONFLICT), not a read before it.
-- A quarantined message leaves the index: the same bytes may be sent again once fixed.
ALTER TABLE inbound_messages ADD COLUMN identity text;
-- How often it was taken up (first delivery, then each sweep that finished it), and the later
-- copy that took over a message a process left half-done (status 'superseded').
ALTER TABLE inbound_messages ADD COLUMN attempts integer NOT NULL DEFAULT 1;
ALTER TABLE inbound_messages ADD COLUMN claimed_at timestamptz;
ALTER TABLE inbound_messages ADD COLUMN supersedes bigint REFERENCES inbound_messages;

-- A body cut short by a process that died while storing it (imports were stored slice by
-- slice, outside a transaction) has no hash and cannot be applied: say so; it must be sent again.
UPDATE inbound_messages SET status = 'quarantined',
       error = 'the body was not stored whole (the process storing it stopped); send the file again'
 WHERE status = 'received' AND sha256 = '';

UPDATE inbound_messages SET identity = CASE
  WHEN dedupe_key IS NOT NULL THEN 'key:' || dedupe_key
  WHEN kind = 'import_csv' THEN 'sha:' || source || ':' || sha256
  ELSE 'sha:' || coalesce(supplier_id, '') || ':' || sha256 END;

-- Existing data may hold the same message applied twice (the race this closes). The first copy
-- keeps the identity; a later copy that was applied stays 'applied' (it was) without one; a later
-- copy still 'received' is what it would have been: a duplicate.
WITH ranked AS (
  SELECT message_id, status,
         first_value(message_id) OVER w AS first_id, row_number() OVER w AS n
    FROM inbound_messages
   WHERE status IN ('received', 'applied')
  WINDOW w AS (PARTITION BY kind, identity ORDER BY (status = 'applied') DESC, message_id)
)
UPDATE inbound_messages m
   SET identity = CASE WHEN r.status = 'applied' THEN NULL ELSE m.identity END,
       status = CASE WHEN r.status = 'received' THEN 'duplicate' ELSE m.status END,
       duplicate_of = CASE WHEN r.status = 'received' THEN r.first_id ELSE m.duplicate_of END
  FROM ranked r
 WHERE m.message_id = r.message_id AND r.n > 1;

CREATE UNIQUE INDEX inbound_messages_once ON inbound_messages (kind, identity) WHERE status IN ('received', 'applied');
-- The new index covers what this one did (its identity is the dedupe key when there is one).
DROP INDEX IF EXISTS inbound_messages_dedupe;
-- The sweep looks for what was left half-done; the feed list shows which copy took over.
CREATE INDEX inbound_messages_unfinished ON inbound_messages (message_id) WHERE status = 'received';
CREATE INDEX inbound_messages_supersedes ON inbound_messages (supersedes) WHERE supersedes IS NOT NULL;
