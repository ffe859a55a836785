-- Store platforms (DESIGN.md "Where orders and supplier news really come from"): a shop's
-- connection, which platform order/line each wismo order/line is, and the calls back to the shop.
CREATE TABLE platform_connections (
  connection_id   bigserial PRIMARY KEY,
  platform        text NOT NULL CHECK (platform IN ('shopify', 'woocommerce')),
  shop            text NOT NULL,
  -- AES-256-GCM under a key derived from the signing secret (src/connect/credentials.ts).
  credentials     text NOT NULL,
  refunds         text NOT NULL DEFAULT 'record' CHECK (refunds IN ('platform', 'record')),
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked', 'uninstalled')),
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  -- A backfill: its start (null when none is running), the cursor of the last page applied.
  sync_since      timestamptz,
  sync_started_at timestamptz,
  sync_cursor     text,
  last_sync_at    timestamptz,
  last_sync_orders integer,
  last_webhook_at timestamptz,
  last_error      text,
  last_error_at   timestamptz,
  UNIQUE (platform, shop)
);

-- A platform order is a wismo order; `platform_updated_at` is the newest version applied, so an
-- older one arriving late (webhooks are not ordered) never rolls the order back.
CREATE TABLE platform_orders (
  connection_id       bigint NOT NULL REFERENCES platform_connections ON DELETE CASCADE,
  platform_order_id   text NOT NULL,
  order_id            bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
  platform_updated_at timestamptz NOT NULL,
  admin_url           text,
  PRIMARY KEY (connection_id, platform_order_id)
);
CREATE UNIQUE INDEX platform_orders_order ON platform_orders (order_id);

CREATE TABLE platform_lines (
  order_line_id     bigint PRIMARY KEY REFERENCES order_lines ON DELETE CASCADE,
  connection_id     bigint NOT NULL REFERENCES platform_connections ON DELETE CASCADE,
  platform_order_id text NOT NULL,
  platform_line_id  text NOT NULL,
  -- Units the platform itself cancelled or refunded (an edit, a refund made in its admin).
  platform_removed  integer NOT NULL DEFAULT 0,
  -- A fulfillment hold asked for (held) and how many have been (each hold and its release are keyed by it).
  held              boolean NOT NULL DEFAULT false,
  hold_seq          integer NOT NULL DEFAULT 0,
  UNIQUE (connection_id, platform_line_id)
);

-- Calls back to the shop: one row per thing to do, keyed so it is asked once however often it
-- is planned; retried with backoff; one that keeps failing opens a rep task.
CREATE TABLE platform_calls (
  call_id        bigserial PRIMARY KEY,
  connection_id  bigint NOT NULL REFERENCES platform_connections ON DELETE CASCADE,
  order_id       bigint REFERENCES orders ON DELETE CASCADE,
  order_line_id  bigint REFERENCES order_lines ON DELETE CASCADE,
  action         text NOT NULL CHECK (action IN ('hold', 'release', 'fulfill', 'cancel', 'link')),
  call_key       text NOT NULL UNIQUE,
  payload        jsonb NOT NULL,
  status         text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'done', 'failed', 'skipped')),
  attempts       integer NOT NULL DEFAULT 0,
  next_at        timestamptz NOT NULL,
  created_at     timestamptz NOT NULL,
  done_at        timestamptz,
  last_error     text,
  -- What the platform answered (a hold's id, a fulfillment's id): later calls read it.
  result         jsonb
);
CREATE INDEX platform_calls_due ON platform_calls (next_at) WHERE status = 'due';
CREATE INDEX platform_calls_line ON platform_calls (order_line_id, action);

-- Where the planner has read line_state_history up to, per connection.
ALTER TABLE platform_connections ADD COLUMN planned_through bigint NOT NULL DEFAULT 0;

-- A refund due that the platform paid (`--refunds platform`): when, and the platform's refund.
ALTER TABLE refunds ADD COLUMN platform_refund_id text;
ALTER TABLE refunds ADD COLUMN platform_refunded_at timestamptz;
