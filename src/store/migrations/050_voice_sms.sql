-- Phone and text (issue 11): Twilio's voice and messaging webhooks.

-- One row per phone call: what the caller proved, how often they failed, what they heard (for
-- the rep who takes the call over) and how the call ended (deflected, or a rep task).
CREATE TABLE voice_calls (
  call_sid      text PRIMARY KEY,
  from_number   text,
  order_id      bigint REFERENCES orders ON DELETE SET NULL,
  proven        text,                 -- null, 'caller_id' or 'postal_code'
  failures      integer NOT NULL DEFAULT 0,
  picked_sku    text,                 -- the alternative heard and awaiting confirmation
  picked_line   integer,
  heard         text NOT NULL DEFAULT '',
  outcome       text,                 -- deflected, rep_task, abandoned
  started_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);

-- A step that changed something (a choice) keeps its answer: Twilio retrying the same request
-- gets the same TwiML and changes nothing.
CREATE TABLE voice_call_steps (
  call_sid   text NOT NULL REFERENCES voice_calls ON DELETE CASCADE,
  step_key   text NOT NULL,
  twiml      text NOT NULL,
  at         timestamptz NOT NULL,
  PRIMARY KEY (call_sid, step_key)
);

-- Every text received, stored before it is acted on; a replay (same MessageSid) gets the stored reply.
CREATE TABLE sms_inbound (
  message_sid  text PRIMARY KEY,
  from_number  text NOT NULL,
  body         text NOT NULL,
  params       jsonb NOT NULL,
  received_at  timestamptz NOT NULL,
  action       text,                  -- status, wait, cancel, stop, start, help, unknown
  order_id     bigint REFERENCES orders ON DELETE SET NULL,
  reply        text
);
CREATE INDEX sms_inbound_from ON sms_inbound (from_number, received_at);

-- Finding a caller's orders by phone and an order by the digits keyed on a phone pad.
CREATE INDEX customers_phone_digits ON customers (right(regexp_replace(phone, '\D', '', 'g'), 10)) WHERE phone IS NOT NULL;
CREATE INDEX orders_number_digits ON orders (regexp_replace(order_number, '\D', '', 'g'));

-- A call or text is counted once (by CallSid / MessageSid): a caller who heard the status and then
-- asked for a person is one contact that ended with a rep.
ALTER TABLE contacts ADD COLUMN ref text;
CREATE UNIQUE INDEX contacts_ref ON contacts (channel, ref) WHERE ref IS NOT NULL;
