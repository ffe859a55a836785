-- A tracking aggregator's own reconciled view of each parcel (EasyPost status, AfterShip tag,
-- Shippo tracking_status) and the tracker's updated_at: the parcel's state follows it, and a
-- webhook whose updated_at is older than the one kept is stale (docs/formats.md).
CREATE TABLE tracker_status (
  tracking_number text PRIMARY KEY,
  provider        text NOT NULL,
  status          text NOT NULL,
  raw_status      text NOT NULL,
  final           boolean NOT NULL DEFAULT false,
  updated_at      timestamptz NOT NULL,
  message_id      bigint REFERENCES inbound_messages,
  recorded_at     timestamptz NOT NULL
);
