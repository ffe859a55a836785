-- wismo's system of record. Plain PostgreSQL 15 SQL (PGlite is 18: nothing newer than 15 here).

CREATE TABLE suppliers (
  supplier_id     text PRIMARY KEY,
  name            text NOT NULL,
  email           text,
  phone           text,
  edi_id          text,
  lead_time_days  integer NOT NULL DEFAULT 3,
  feed_cadence_hours integer NOT NULL DEFAULT 24,
  api_key_hash    text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX suppliers_edi_id ON suppliers (edi_id) WHERE edi_id IS NOT NULL;

CREATE TABLE products (
  sku        text PRIMARY KEY,
  name       text NOT NULL,
  brand      text,
  family     text,
  color      text,
  size       text,
  price      numeric(12,2),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_family ON products (family) WHERE family IS NOT NULL;

-- What a supplier offers for a SKU: stock and restock date (CSV offers, 846).
CREATE TABLE offers (
  supplier_id    text NOT NULL REFERENCES suppliers,
  sku            text NOT NULL REFERENCES products,
  supplier_sku   text,
  cost           numeric(12,2),
  available_qty  integer,
  restock_date   date,
  lead_time_days integer,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (supplier_id, sku)
);
CREATE INDEX offers_sku ON offers (sku);
CREATE INDEX offers_supplier_sku ON offers (supplier_id, supplier_sku) WHERE supplier_sku IS NOT NULL;

-- Symmetric: stored both ways so a lookup is one index scan.
CREATE TABLE equivalents (
  sku            text NOT NULL REFERENCES products,
  equivalent_sku text NOT NULL REFERENCES products,
  PRIMARY KEY (sku, equivalent_sku),
  CHECK (sku <> equivalent_sku)
);

CREATE TABLE customers (
  customer_id  bigserial PRIMARY KEY,
  email        text,
  name         text,
  phone        text,
  channel      text NOT NULL DEFAULT 'email',
  opted_out_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_email ON customers (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE orders (
  order_id           bigserial PRIMARY KEY,
  order_number       text NOT NULL UNIQUE,
  placed_at          timestamptz NOT NULL,
  customer_id        bigint NOT NULL REFERENCES customers,
  postal_code        text,
  promised_ship_date date,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_placed_at ON orders (placed_at);

CREATE TABLE order_lines (
  order_line_id      bigserial PRIMARY KEY,
  order_id           bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
  line_no            integer NOT NULL,
  sku                text NOT NULL REFERENCES products,
  qty                integer NOT NULL CHECK (qty > 0),
  supplier_id        text REFERENCES suppliers,
  promised_ship_date date,
  cancelled_at       timestamptz,
  cancelled_qty      integer,
  cancel_reason      text,
  -- Derived by the sweep: lets queues and the sweep look only at what is open.
  state              text NOT NULL DEFAULT 'processing',
  state_eta_latest   date,
  state_changed_at   timestamptz,
  closed             boolean NOT NULL DEFAULT false,
  dirty              boolean NOT NULL DEFAULT true,
  UNIQUE (order_id, line_no)
);
CREATE INDEX order_lines_open ON order_lines (supplier_id) WHERE NOT closed;
CREATE INDEX order_lines_dirty ON order_lines (order_line_id) WHERE dirty;
CREATE INDEX order_lines_state ON order_lines (state) WHERE NOT closed;

-- The retailer's purchase-order lines to suppliers; a re-sourced line gets a second one.
CREATE TABLE po_lines (
  po_line_id     bigserial PRIMARY KEY,
  order_line_id  bigint NOT NULL REFERENCES order_lines ON DELETE CASCADE,
  supplier_id    text REFERENCES suppliers,
  po_number      text NOT NULL,
  po_line        text NOT NULL,
  sku            text NOT NULL,
  qty            integer NOT NULL,
  active         boolean NOT NULL DEFAULT true,
  cancel_requested_at timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX po_lines_po ON po_lines (po_number, po_line, coalesce(supplier_id, ''));
CREATE INDEX po_lines_order_line ON po_lines (order_line_id);
CREATE INDEX po_lines_sku ON po_lines (sku);

-- Every outside message, stored raw before it is applied. Replays are found by sha256
-- (or the sender's own control number / event id in dedupe_key).
CREATE TABLE inbound_messages (
  message_id   bigserial PRIMARY KEY,
  kind         text NOT NULL,          -- supplier_csv, x12, carrier_events, carrier_webhook, import_csv
  source       text NOT NULL,          -- cli, api, inbox, webhook:<provider>
  supplier_id  text,
  filename     text,
  sha256       text NOT NULL,
  dedupe_key   text,
  body         bytea NOT NULL,
  received_at  timestamptz NOT NULL,
  status       text NOT NULL DEFAULT 'received',  -- received, applied, duplicate, quarantined
  error        text,
  summary      jsonb,
  applied_at   timestamptz,
  duplicate_of bigint REFERENCES inbound_messages
);
CREATE INDEX inbound_messages_sha ON inbound_messages (kind, sha256);
CREATE UNIQUE INDEX inbound_messages_dedupe ON inbound_messages (kind, dedupe_key) WHERE dedupe_key IS NOT NULL AND status = 'applied';
CREATE INDEX inbound_messages_received ON inbound_messages (received_at);

CREATE TABLE supplier_signals (
  signal_id          bigserial PRIMARY KEY,
  message_id         bigint NOT NULL REFERENCES inbound_messages,
  supplier_id        text,
  po_line_id         bigint REFERENCES po_lines,   -- null: matched nothing (kept and shown to reps)
  po_number          text,
  po_line            text,
  sku                text,
  status             text NOT NULL,
  qty                integer,
  expected_ship_date date,
  carrier            text,
  tracking_number    text,
  received_at        timestamptz NOT NULL,
  source             text NOT NULL,
  raw_code           text
);
CREATE INDEX supplier_signals_po_line ON supplier_signals (po_line_id, received_at);
CREATE INDEX supplier_signals_unmatched ON supplier_signals (received_at) WHERE po_line_id IS NULL;

CREATE TABLE shipments (
  shipment_id      bigserial PRIMARY KEY,
  order_line_id    bigint NOT NULL REFERENCES order_lines ON DELETE CASCADE,
  po_line_id       bigint REFERENCES po_lines,
  carrier          text,
  tracking_number  text NOT NULL,
  service          text,
  shipped_at       timestamptz NOT NULL,
  qty              integer NOT NULL,
  message_id       bigint REFERENCES inbound_messages,
  UNIQUE (order_line_id, tracking_number)
);
CREATE INDEX shipments_tracking ON shipments (tracking_number);

CREATE TABLE carrier_events (
  event_id           bigserial PRIMARY KEY,
  tracking_number    text NOT NULL,
  carrier            text,
  status             text NOT NULL,
  occurred_at        timestamptz NOT NULL,
  location           text,
  message            text,
  estimated_delivery date,
  provider           text,
  provider_event_id  text,
  message_id         bigint REFERENCES inbound_messages,
  UNIQUE (tracking_number, status, occurred_at)
);
CREATE INDEX carrier_events_tracking ON carrier_events (tracking_number, occurred_at);

CREATE TABLE line_state_history (
  history_id    bigserial PRIMARY KEY,
  order_line_id bigint NOT NULL REFERENCES order_lines ON DELETE CASCADE,
  state         text NOT NULL,
  eta_earliest  date,
  eta_latest    date,
  eta_source    text,
  changed_at    timestamptz NOT NULL,
  cause         text
);
CREATE INDEX line_state_history_line ON line_state_history (order_line_id, changed_at);

CREATE TABLE holidays (
  day  date PRIMARY KEY,
  name text
);

CREATE TABLE notifications (
  notification_id bigserial PRIMARY KEY,
  order_id        bigint REFERENCES orders ON DELETE CASCADE,
  supplier_id     text,
  channel         text NOT NULL,         -- email, sms, webhook
  recipient       text NOT NULL,
  trigger         text NOT NULL,
  dedupe_key      text NOT NULL UNIQUE,
  subject         text,
  body            text NOT NULL,
  payload         jsonb,
  status          text NOT NULL DEFAULT 'queued',   -- queued, sent, failed, suppressed
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL,
  sent_at         timestamptz
);
CREATE INDEX notifications_order ON notifications (order_id);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'queued';

CREATE TABLE tasks (
  task_id       bigserial PRIMARY KEY,
  kind          text NOT NULL,
  priority      integer NOT NULL DEFAULT 50,    -- lower is more urgent
  order_id      bigint REFERENCES orders ON DELETE CASCADE,
  order_line_id bigint REFERENCES order_lines ON DELETE CASCADE,
  supplier_id   text,
  title         text NOT NULL,
  detail        text,
  dedupe_key    text NOT NULL,
  status        text NOT NULL DEFAULT 'open',    -- open, done
  created_at    timestamptz NOT NULL,
  due_at        timestamptz,
  closed_at     timestamptz
);
CREATE UNIQUE INDEX tasks_open_dedupe ON tasks (dedupe_key) WHERE status = 'open';
CREATE INDEX tasks_open ON tasks (priority, created_at) WHERE status = 'open';
