-- Short links for the text part of customer emails (issue 16): `GET /l/{code}` answers a 302 to
-- the long signed choice URL stored here. A row lives exactly as long as the token inside its URL;
-- the code is an HMAC of the URL (src/outreach/short-link.ts), so writing the same message twice
-- writes the same row once.
CREATE TABLE short_links (
  code text PRIMARY KEY,
  url text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX short_links_expires ON short_links (expires_at);
