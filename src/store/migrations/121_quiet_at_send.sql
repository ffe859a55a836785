-- Quiet hours decided at send time (issue 16): the customer's zone is kept with the message, so
-- the dispatcher judges the night under the quiet-hours setting of the moment it sends; deadline_at
-- (030) is the legal deadline it never holds a delay notice past. quiet_held marks a message
-- waiting out a night: it is looked at again as soon as the current setting says it is day.
ALTER TABLE notifications ADD COLUMN quiet_zone text;
ALTER TABLE notifications ADD COLUMN quiet_held boolean NOT NULL DEFAULT false;
CREATE INDEX notifications_quiet_held ON notifications (notification_id) WHERE status = 'queued' AND quiet_held;
