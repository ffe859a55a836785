-- X12 EDI: the 997 functional acknowledgments wismo sends back, one per received interchange.
-- ack_id is also the 997's own interchange control number (ISA13); interchange_control is the
-- ISA13 of the interchange it answers. Kept for quarantined files too, and sent again on a replay.
CREATE TABLE acknowledgments (
  ack_id              bigserial PRIMARY KEY,
  message_id          bigint REFERENCES inbound_messages,
  supplier_id         text,
  interchange_control text,
  body                text NOT NULL,
  created_at          timestamptz NOT NULL
);
CREATE INDEX acknowledgments_message ON acknowledgments (message_id);
