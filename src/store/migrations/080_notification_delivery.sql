-- What the channel answered for a sent message (SMTP Message-ID, SMS id, webhook status), in a
-- column of its own: recording it no longer rewrites the message's payload (its whole HTML).
ALTER TABLE notifications ADD COLUMN delivery jsonb;
UPDATE notifications SET delivery = payload -> 'delivery', payload = payload - 'delivery' WHERE payload ? 'delivery';
