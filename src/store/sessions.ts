import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from './db.ts'
import type { Role } from './users.ts'

/** A console session lives this long from login (a rep's working day). */
export const SESSION_MS = 12 * 3_600_000

export interface Session {
  userId: number
  email: string
  role: Role
  /** The synchronizer token every console POST form must carry. */
  csrfToken: string
  expiresAt: Date
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex')

/** Starts a session; returns the token for the cookie (only its hash is stored). */
export async function createSession(db: Queryable, userId: number, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now.getTime() + SESSION_MS)
  await db.query('DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2', [userId, now])
  await db.query(
    'INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [hash(token), userId, randomBytes(24).toString('base64url'), now, expiresAt],
  )
  return { token, expiresAt }
}

/** The live session for a cookie token, or null (unknown or expired). */
export async function findSession(db: Queryable, token: string, now: Date): Promise<Session | null> {
  const [r] = await db.query<{ user_id: number; email: string; role: Role; csrf_token: string; expires_at: Date }>(
    `SELECT s.user_id, u.email, u.role, s.csrf_token, s.expires_at FROM sessions s JOIN users u USING (user_id)
      WHERE s.token_hash = $1 AND s.expires_at > $2`,
    [hash(token), now],
  )
  return r ? { userId: r.user_id, email: r.email, role: r.role, csrfToken: r.csrf_token, expiresAt: r.expires_at } : null
}

/** Ends a session (logout). */
export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [hash(token)])
}

/** Ends every session of a user (sessions revoked, a password reset); how many there were. */
export async function endUserSessions(db: Queryable, userId: number): Promise<number> {
  const rows = await db.query('DELETE FROM sessions WHERE user_id = $1 RETURNING 1', [userId])
  return rows.length
}
