-- Proactive outreach (src/outreach, src/domain/outreach-policy.ts) and the FTC delay-notice record
-- (src/store/ftc-record.ts). Plain PostgreSQL 15.

-- customers.opted_out_at (001) is the email opt-out of optional messages (the unsubscribe link);
-- a text STOP opts out of SMS. A legally required delay notice still goes by email.
ALTER TABLE customers ADD COLUMN sms_opted_out_at timestamptz;

-- One message per order per sweep: the lines it speaks of and every trigger it carries.
-- `trigger` (001) keeps the first, for older readers. Status: queued, sent, failed (a permanent
-- refusal), dead (kept failing; a rep task), suppressed (opted out, or nothing to send to).
ALTER TABLE notifications ADD COLUMN triggers text[] NOT NULL DEFAULT '{}';
ALTER TABLE notifications ADD COLUMN line_nos integer[] NOT NULL DEFAULT '{}';
-- A delay notice must leave by this instant whatever the quiet hours say.
ALTER TABLE notifications ADD COLUMN deadline_at timestamptz;
ALTER TABLE notifications ADD COLUMN required boolean NOT NULL DEFAULT false;
CREATE INDEX notifications_due_any ON notifications (next_attempt_at, notification_id) WHERE status = 'queued';

-- Orders whose lines the sweep looked at: the outreach pass takes each once per sweep, so a
-- message groups all of an order's news even when its lines were swept in different batches.
CREATE TABLE outreach_queue (
  order_id  bigint PRIMARY KEY REFERENCES orders ON DELETE CASCADE,
  queued_at timestamptz NOT NULL
);

-- What the customer was told, per line: never the same trigger twice for one line and ETA.
CREATE TABLE outreach_told (
  order_line_id   bigint NOT NULL REFERENCES order_lines ON DELETE CASCADE,
  trigger         text NOT NULL,
  eta_key         text NOT NULL,
  notification_id bigint REFERENCES notifications ON DELETE SET NULL,
  told_at         timestamptz NOT NULL,
  PRIMARY KEY (order_line_id, trigger, eta_key)
);

-- The FTC record: every delay option notice (first, renewed) per line, with its terms.
CREATE TABLE delay_notices (
  notice_id        bigserial PRIMARY KEY,
  order_line_id    bigint NOT NULL REFERENCES order_lines ON DELETE CASCADE,
  kind             text NOT NULL CHECK (kind IN ('first', 'renewed')),
  applicable_date  date NOT NULL,
  revised_date     date,                 -- null: the customer was told the date is unknown
  silence          text NOT NULL CHECK (silence IN ('consent', 'cancel')),
  cancel_on        date,                 -- silence = cancel: cancelled after this day unless consent
  reason           text,
  notification_id  bigint REFERENCES notifications ON DELETE SET NULL,
  created_at       timestamptz NOT NULL
);
CREATE INDEX delay_notices_line ON delay_notices (order_line_id, created_at);

-- Lines wismo cancelled itself (no consent by the deadline, supplier rejection), with the refund due.
CREATE TABLE ftc_cancellations (
  order_line_id   bigint PRIMARY KEY REFERENCES order_lines ON DELETE CASCADE,
  reason          text NOT NULL,         -- no_consent, rejected
  qty             integer NOT NULL,
  cancelled_at    timestamptz NOT NULL,
  refund_due      date NOT NULL,
  notice_id       bigint REFERENCES delay_notices
);
