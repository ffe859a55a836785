import type { Queryable } from './db.ts'

export type Role = 'rep' | 'admin'

export interface UserRow {
  userId: number
  email: string
  role: Role
  passwordHash: string
}

/**
 * Creates a console user, or sets a new password and role for an existing email; tells which.
 * An update ends every session of that user in the same statement: a password reset or a role
 * change must not leave a session (perhaps the one the reset was for) working under the old terms.
 */
export async function upsertUser(
  db: Queryable,
  u: { email: string; role: Role; passwordHash: string; now: Date },
): Promise<'created' | 'updated'> {
  const [row] = await db.query<{ created: boolean }>(
    `WITH u AS (
       INSERT INTO users (email, role, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (lower(email)) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, updated_at = excluded.updated_at
       RETURNING user_id, (xmax = 0) AS created),
     ended AS (DELETE FROM sessions s USING u WHERE s.user_id = u.user_id AND NOT u.created)
     SELECT created FROM u`,
    [u.email.trim(), u.role, u.passwordHash, u.now],
  )
  return row.created ? 'created' : 'updated'
}

/** Removes a console user (their sessions go with them); the email as stored, or null when none. */
export async function removeUser(db: Queryable, email: string): Promise<string | null> {
  const [r] = await db.query<{ email: string }>('DELETE FROM users WHERE lower(email) = lower($1) RETURNING email', [email.trim()])
  return r?.email ?? null
}

/**
 * The login's target: the user whose email this is (any case), and the key an unknown email's
 * failed logins count under — lower-cased by the database, exactly as the user lookup compares, so
 * an unknown email locks out the way a known one does and the lock-out tells nothing.
 */
export async function findLoginTarget(db: Queryable, email: string): Promise<{ user: UserRow | null; emailKey: string }> {
  const [r] = await db.query<{ email_key: string; user_id: number | null; email: string | null; role: Role | null; password_hash: string | null }>(
    `SELECT lower($1) AS email_key, u.user_id, u.email, u.role, u.password_hash
       FROM (SELECT 1) one LEFT JOIN users u ON lower(u.email) = lower($1)`,
    [email.trim()],
  )
  const user = r.user_id === null ? null : { userId: r.user_id, email: r.email!, role: r.role!, passwordHash: r.password_hash! }
  return { user, emailKey: r.email_key }
}

/** Finds a user by email, any case. */
export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | null> {
  const [r] = await db.query<{ user_id: number; email: string; role: Role; password_hash: string }>(
    'SELECT user_id, email, role, password_hash FROM users WHERE lower(email) = lower($1)',
    [email.trim()],
  )
  return r ? { userId: r.user_id, email: r.email, role: r.role, passwordHash: r.password_hash } : null
}
