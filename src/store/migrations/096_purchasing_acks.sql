-- A supplier's 997 (or 999) answering wismo's own 850/860: whether it accepted the document,
-- why not (its AK5/AK9 codes and AK3/AK4 errors in words), which received message said so and
-- when. The latest answer stands. Matched by the group control number (GS06 = control_number).
ALTER TABLE purchasing_documents ADD COLUMN ack_status text CHECK (ack_status IN ('accepted', 'rejected'));
ALTER TABLE purchasing_documents ADD COLUMN ack_detail text;
ALTER TABLE purchasing_documents ADD COLUMN ack_message_id bigint REFERENCES inbound_messages;
ALTER TABLE purchasing_documents ADD COLUMN acked_at timestamptz;
CREATE INDEX purchasing_documents_control ON purchasing_documents (control_number);
