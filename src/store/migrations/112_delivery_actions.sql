-- What a rep did about a parcel in trouble (issue 16): a carrier exception — failed attempt,
-- damage, return to sender — gets a reship (a new PO line and its 850), a refund due, or a
-- claim filed with the carrier. One row per action, per parcel (tracking number).
CREATE TABLE delivery_actions (
  action_id       bigserial PRIMARY KEY,
  order_line_id   bigint NOT NULL REFERENCES order_lines ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('reship', 'refund', 'claim')),
  tracking_number text NOT NULL,
  carrier         text,
  -- lost, damaged, returned_to_sender, failed_attempt, other
  reason          text NOT NULL,
  qty             integer NOT NULL CHECK (qty > 0),
  -- refund: what is owed back; claim: what is claimed from the carrier
  amount          numeric(12,2) CHECK (amount >= 0),
  -- reship: who ships the replacement, on which PO line, sent by which 850
  supplier_id     text,
  po_line_id      bigint REFERENCES po_lines,
  document_id     bigint REFERENCES purchasing_documents,
  refund_id       bigint REFERENCES refunds,
  -- claim: filed (open) until the carrier answers; reship and refund: done
  status          text NOT NULL CHECK (status IN ('open', 'done')),
  note            text,
  decided_by      text NOT NULL,
  created_at      timestamptz NOT NULL
);
CREATE INDEX delivery_actions_line ON delivery_actions (order_line_id, tracking_number);

-- A parcel a reship replaces counts toward the line only until the replacement ships
-- (src/domain/line-parts.ts): the line then follows the new parcel, not the lost one.
ALTER TABLE shipments ADD COLUMN replaced_at timestamptz;
