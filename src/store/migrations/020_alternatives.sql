-- Alternatives and the customer's choice (issue 8): what the customer paid, the choices made,
-- refunds due, API keys for the retailer's systems, and the purchasing documents (850/860)
-- that re-sourcing and cancellation send to suppliers.

-- What the customer paid per unit (orders.csv unit_price); NULL means the product's price.
ALTER TABLE order_lines ADD COLUMN unit_price numeric(12,2);

-- A re-sourced PO line points at the one it replaced; its quantity is stock promised to an
-- accepted switch, never offered twice (see src/store/alternatives.ts).
ALTER TABLE po_lines ADD COLUMN resourced_from bigint REFERENCES po_lines;
ALTER TABLE po_lines ADD COLUMN unit_cost numeric(12,2);
CREATE INDEX po_lines_reserved ON po_lines (supplier_id, sku) WHERE active AND resourced_from IS NOT NULL;

-- One row per decision on a line: wait, cancel or switch, by whom, through which channel.
CREATE TABLE line_choices (
  choice_id      bigserial PRIMARY KEY,
  order_line_id  bigint NOT NULL REFERENCES order_lines ON DELETE CASCADE,
  choice         text NOT NULL CHECK (choice IN ('wait', 'cancel', 'switch')),
  sku            text,                -- switch: the alternative chosen
  supplier_id    text,                -- switch: who supplies it now
  from_sku       text NOT NULL,       -- the line's SKU when the choice was made
  from_supplier_id text,
  qty            integer NOT NULL,    -- the open quantity the choice applied to
  price_delta    numeric(12,2),       -- switch: per unit, the alternative's price minus the line's
  decided_by     text NOT NULL,       -- customer | rep:<email|cli>
  channel        text NOT NULL CHECK (channel IN ('link', 'page', 'cli', 'console', 'voice', 'sms')),
  decided_at     timestamptz NOT NULL,
  token_nonce    text,                -- the signed link's nonce: a link decides once
  detail         jsonb
);
CREATE INDEX line_choices_line ON line_choices (order_line_id, decided_at);
CREATE UNIQUE INDEX line_choices_nonce ON line_choices (token_nonce) WHERE token_nonce IS NOT NULL;

-- Money owed back to a customer; the retailer's systems read it (GET /api/refunds) and pay it.
CREATE TABLE refunds (
  refund_id      bigserial PRIMARY KEY,
  order_line_id  bigint NOT NULL REFERENCES order_lines ON DELETE CASCADE,
  qty            integer NOT NULL CHECK (qty >= 0),
  amount         numeric(12,2) NOT NULL CHECK (amount >= 0),
  reason         text NOT NULL,       -- customer_cancel, price_difference, no_consent, rejected, ...
  due_by         date NOT NULL,
  choice_id      bigint REFERENCES line_choices,
  created_at     timestamptz NOT NULL
);
CREATE INDEX refunds_line ON refunds (order_line_id);
CREATE INDEX refunds_created ON refunds (created_at, refund_id);

-- API keys for the retailer's systems and helpdesks; only a hash of the key is kept.
CREATE TABLE api_keys (
  key_id       bigserial PRIMARY KEY,
  name         text NOT NULL,
  scope        text NOT NULL CHECK (scope IN ('retailer', 'helpdesk')),
  key_hash     text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE UNIQUE INDEX api_keys_name_live ON api_keys (name, scope) WHERE revoked_at IS NULL;

-- X12 850 / 860 sent to suppliers (also as a CSV row), written to the purchasing folder once
-- committed (written_at). The control number is the interchange's ISA13.
CREATE SEQUENCE purchasing_control_seq;
CREATE TABLE purchasing_documents (
  document_id    bigserial PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN ('850', '860')),
  supplier_id    text,
  po_number      text NOT NULL,
  po_line        text NOT NULL,
  po_line_id     bigint REFERENCES po_lines,
  order_line_id  bigint REFERENCES order_lines ON DELETE CASCADE,
  control_number integer NOT NULL,
  x12            text NOT NULL,
  csv            text NOT NULL,
  reason         text,
  created_at     timestamptz NOT NULL,
  written_at     timestamptz
);
CREATE INDEX purchasing_documents_supplier ON purchasing_documents (supplier_id, document_id);
CREATE INDEX purchasing_documents_unwritten ON purchasing_documents (document_id) WHERE written_at IS NULL;
