-- SFTP transports (src/transports/): what a poll needs beyond 143_transports.sql.
-- A file taken once is skipped by name, size and mtime without downloading it again.
ALTER TABLE transport_files ADD COLUMN mtime timestamptz;

-- The last listing of each remote file: one whose size or mtime changed since is still being
-- written, and waits for the next poll.
CREATE TABLE transport_listing (
  transport_id  bigint NOT NULL REFERENCES supplier_transports ON DELETE CASCADE,
  remote_name   text NOT NULL,
  size          bigint NOT NULL,
  mtime         timestamptz NOT NULL,
  seen_at       timestamptz NOT NULL,
  PRIMARY KEY (transport_id, remote_name)
);

-- An upload is recorded before its temporary file is renamed to the final name (started_at) and
-- marked sent after (sent_at): a retry finds which side of the rename a stopped process left.
ALTER TABLE transport_sent ALTER COLUMN sent_at DROP NOT NULL;
ALTER TABLE transport_sent ADD COLUMN started_at timestamptz;
