/** The short links of customer emails (table short_links, migration 125; the code: src/outreach/short-link.ts). */
import type { Queryable } from './db.ts'

/** A code's shape: 16 base64url characters (96 bits). */
export const SHORT_CODE_PATTERN = /^[A-Za-z0-9_-]{16}$/

export interface ShortLink {
  code: string
  url: string
  expiresAt: Date
}

/** Expired rows removed per save: the table stays about as big as the links still alive, at a bounded cost per message. */
const PRUNE_PER_SAVE = 200

/** Stores short links (idempotent: a code already stored is left as it is), and prunes some expired ones. */
export async function saveShortLinks(tx: Queryable, links: ShortLink[], now: Date): Promise<void> {
  if (links.length === 0) return
  await tx.query(
    'DELETE FROM short_links WHERE code IN (SELECT code FROM short_links WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)', [now, PRUNE_PER_SAVE])
  await tx.query(
    `INSERT INTO short_links (code, url, expires_at, created_at)
     SELECT c, u, e, $4 FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(c, u, e)
     ON CONFLICT (code) DO NOTHING`,
    [links.map((l) => l.code), links.map((l) => l.url), links.map((l) => l.expiresAt), now],
  )
}

/** The long URL of a code that exists and has not expired at `now`; null otherwise (the caller cannot tell which). */
export async function resolveShortLink(q: Queryable, code: string, now: Date): Promise<string | null> {
  if (!SHORT_CODE_PATTERN.test(code)) return null
  const rows = await q.query<{ url: string }>('SELECT url FROM short_links WHERE code = $1 AND expires_at > $2', [code, now])
  return rows[0]?.url ?? null
}
