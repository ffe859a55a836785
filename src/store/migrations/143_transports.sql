-- Supplier transports (DESIGN.md "Supplier transports"): where wismo fetches suppliers' files —
-- an SFTP server or a VAN mailbox per supplier, an IMAP mailbox shared by many — and their health.
CREATE TABLE supplier_transports (
  transport_id    bigserial PRIMARY KEY,
  -- The supplier whose files these are; NULL for a mailbox many suppliers write to (the sender's
  -- address names the supplier).
  supplier_id     text REFERENCES suppliers ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('sftp', 'imap')),
  -- Where, without any secret: sftp://user@host:22/outbox, imaps://user@host:993/INBOX.
  url             text NOT NULL,
  -- Password or private key, sealed like a shop's credentials (src/connect/credentials.ts).
  credentials     text,
  -- archive / outbound folders, poll interval, IMAP folder for done messages …
  settings        jsonb NOT NULL DEFAULT '{}',
  -- SFTP: the server's host key, pinned on first use (sha256 fingerprint).
  host_key        text,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stopped')),
  stopped_reason  text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  -- Health, as the supplier board shows it.
  last_poll_at    timestamptz,
  last_success_at timestamptz,
  last_file_at    timestamptz,
  last_error      text,
  last_error_at   timestamptz,
  failures        integer NOT NULL DEFAULT 0,
  next_poll_at    timestamptz,
  UNIQUE (kind, url)
);
CREATE UNIQUE INDEX supplier_transports_supplier ON supplier_transports (supplier_id, kind) WHERE supplier_id IS NOT NULL;

-- Each remote file (or message attachment) taken once: by name, size and content hash.
CREATE TABLE transport_files (
  transport_id  bigint NOT NULL REFERENCES supplier_transports ON DELETE CASCADE,
  remote_name   text NOT NULL,
  size          bigint NOT NULL,
  sha256        text NOT NULL,
  message_id    bigint REFERENCES inbound_messages,
  fetched_at    timestamptz NOT NULL,
  archived_at   timestamptz,
  PRIMARY KEY (transport_id, remote_name, size, sha256)
);

-- wismo's documents put on a transport's outbound folder: each once.
CREATE TABLE transport_sent (
  transport_id  bigint NOT NULL REFERENCES supplier_transports ON DELETE CASCADE,
  document_key  text NOT NULL,
  remote_name   text NOT NULL,
  sent_at       timestamptz NOT NULL,
  PRIMARY KEY (transport_id, document_key)
);
