-- The pages (issue 10): console users and sessions, failed-login counters for lockout, the rep
-- audit log, notes on orders, and every customer contact (lookups now; calls and texts later).

CREATE TABLE users (
  user_id       bigserial PRIMARY KEY,
  email         text NOT NULL,
  role          text NOT NULL CHECK (role IN ('rep', 'admin')),
  -- scrypt$N$r$p$salt$key (base64url); never the password.
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

-- Keyed by the lower-cased email typed, known user or not: the lockout answers the same for
-- both, so it tells an attacker nothing about which emails have accounts.
CREATE TABLE login_failures (
  email_key     text PRIMARY KEY,
  failures      integer NOT NULL,
  first_at      timestamptz NOT NULL,
  locked_until  timestamptz
);

-- Only a hash of the session token is stored: a copy of the table logs nobody in.
CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
  audit_id  bigserial PRIMARY KEY,
  actor     text NOT NULL,          -- rep:<email>, cli, system
  action    text NOT NULL,          -- note.add, message.resend, choice.record, task.close, login, logout …
  order_id  bigint REFERENCES orders ON DELETE CASCADE,
  detail    jsonb NOT NULL DEFAULT '{}'::jsonb,
  at        timestamptz NOT NULL
);
CREATE INDEX audit_log_order ON audit_log (order_id, at) WHERE order_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE notes (
  note_id    bigserial PRIMARY KEY,
  order_id   bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
  author     text NOT NULL,
  body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL
);
CREATE INDEX notes_order ON notes (order_id, created_at);

-- "Where is my order" contacts: answered without a person (deflected) or handed to a rep.
CREATE TABLE contacts (
  contact_id bigserial PRIMARY KEY,
  channel    text NOT NULL CHECK (channel IN ('page', 'api', 'voice', 'sms', 'helpdesk')),
  order_id   bigint REFERENCES orders ON DELETE SET NULL,
  outcome    text NOT NULL CHECK (outcome IN ('deflected', 'rep_task')),
  at         timestamptz NOT NULL
);
CREATE INDEX contacts_at ON contacts (at);
