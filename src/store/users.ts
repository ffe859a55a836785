import type { Queryable } from './db.ts'

export type Role = 'rep' | 'admin'

export interface UserRow {
  userId: number
  email: string
  role: Role
  passwordHash: string
}

/** Creates a console user, or sets a new password and role for an existing email; tells which. */
export async function upsertUser(
  db: Queryable,
  u: { email: string; role: Role; passwordHash: string; now: Date },
): Promise<'created' | 'updated'> {
  const [row] = await db.query<{ created: boolean }>(
    `INSERT INTO users (email, role, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (lower(email)) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, updated_at = excluded.updated_at
     RETURNING (xmax = 0) AS created`,
    [u.email.trim(), u.role, u.passwordHash, u.now],
  )
  return row.created ? 'created' : 'updated'
}

/** Finds a user by email, any case. */
export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | null> {
  const [r] = await db.query<{ user_id: number; email: string; role: Role; password_hash: string }>(
    'SELECT user_id, email, role, password_hash FROM users WHERE lower(email) = lower($1)',
    [email.trim()],
  )
  return r ? { userId: r.user_id, email: r.email, role: r.role, passwordHash: r.password_hash } : null
}

/** Failed logins in a row before an email is locked out, and for how long. */
export const LOCKOUT_AFTER = 5
export const LOCKOUT_MS = 15 * 60_000
const WINDOW_MS = 15 * 60_000

/** When the email is locked out at `now`, the time it opens again; else null. */
export async function lockedUntil(db: Queryable, email: string, now: Date): Promise<Date | null> {
  const [r] = await db.query<{ locked_until: Date | null }>('SELECT locked_until FROM login_failures WHERE email_key = $1', [email.trim().toLowerCase()])
  return r?.locked_until && r.locked_until > now ? r.locked_until : null
}

/**
 * Counts one failed login for the email typed (known or not). The count restarts after a quiet
 * window; the LOCKOUT_AFTER-th failure in a row locks the email for LOCKOUT_MS. Returns the lock end if locked.
 */
export async function recordLoginFailure(db: Queryable, email: string, now: Date): Promise<Date | null> {
  const [r] = await db.query<{ locked_until: Date | null }>(
    `INSERT INTO login_failures (email_key, failures, first_at) VALUES ($1, 1, $2)
     ON CONFLICT (email_key) DO UPDATE SET
       failures = CASE WHEN login_failures.first_at < $2::timestamptz - $3::float8 * interval '1 millisecond'
                        OR login_failures.locked_until <= $2 THEN 1 ELSE login_failures.failures + 1 END,
       first_at = CASE WHEN login_failures.first_at < $2::timestamptz - $3::float8 * interval '1 millisecond'
                        OR login_failures.locked_until <= $2 THEN $2 ELSE login_failures.first_at END,
       locked_until = CASE WHEN login_failures.locked_until <= $2 THEN NULL ELSE login_failures.locked_until END
     RETURNING locked_until`,
    [email.trim().toLowerCase(), now, WINDOW_MS],
  )
  if (r.locked_until) return r.locked_until
  const [locked] = await db.query<{ locked_until: Date | null }>(
    `UPDATE login_failures SET locked_until = $2::timestamptz + $3::float8 * interval '1 millisecond'
      WHERE email_key = $1 AND failures >= $4 RETURNING locked_until`,
    [email.trim().toLowerCase(), now, LOCKOUT_MS, LOCKOUT_AFTER],
  )
  return locked?.locked_until ?? null
}

/** A good login clears the count. */
export async function clearLoginFailures(db: Queryable, email: string): Promise<void> {
  await db.query('DELETE FROM login_failures WHERE email_key = $1', [email.trim().toLowerCase()])
}
