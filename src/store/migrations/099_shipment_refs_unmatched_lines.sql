-- Issue 15, items 20, 21 and 26.
--
-- A shipment row is one order line's part of one supplier shipment under one number:
--   shipment_ref    the supplier's id of the shipment (856 BSN02), '' when the message has none
--                   (a CSV feed): cartons of a line under one number in one shipment add up, and
--                   a later message about the same shipment replaces what the earlier one said;
--   tracking_number NULL when the supplier said the line shipped but gave no number a carrier
--                   can be asked about (the line is in transit, untracked).
ALTER TABLE shipments ADD COLUMN shipment_ref text NOT NULL DEFAULT '';
ALTER TABLE shipments ALTER COLUMN tracking_number DROP NOT NULL;
ALTER TABLE shipments DROP CONSTRAINT shipments_order_line_id_tracking_number_key;
CREATE UNIQUE INDEX shipments_line_ref_number ON shipments (order_line_id, shipment_ref, tracking_number) NULLS NOT DISTINCT;

-- How many lines of an applied supplier feed matched no open PO line of its sender (NULL: not
-- counted — a carrier's file, or a feed applied before this migration).
ALTER TABLE inbound_messages ADD COLUMN unmatched integer;
