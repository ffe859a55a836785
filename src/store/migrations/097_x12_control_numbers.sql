-- X12 replays are decided by content (what the file says, for the supplier who sent it), no
-- longer by ISA06:ISA13 alone. dedupe_key keeps the interchanges' sender and control numbers:
-- this index finds an earlier file that used the same control number, to say so when new
-- content reuses one.
CREATE INDEX inbound_messages_x12_keys ON inbound_messages USING gin (string_to_array(dedupe_key, '+')) WHERE kind = 'x12';
