import { z } from 'zod'
import { UsageError, type Command, type CliContext } from './context.ts'
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/password.ts'
import { findUserByEmail, removeUser, upsertUser } from '../store/users.ts'
import { endUserSessions } from '../store/sessions.ts'
import { recordAudit } from '../store/audit.ts'
import { DomainError } from '../domain/errors.ts'
import { readPassword } from './read-password.ts'

const EmailSchema = z.string().trim().email()

const USAGE = `usage: wismo user add EMAIL --role rep|admin
       wismo user remove EMAIL
       wismo user sessions revoke EMAIL`

/**
 * `wismo user add EMAIL --role rep|admin` — a console user. The password is asked on a terminal
 * (twice, not echoed), else read as one line from standard input (for scripts). Giving an existing
 * user a new password or role ends their sessions.
 * `wismo user remove EMAIL` — the user and their sessions are gone.
 * `wismo user sessions revoke EMAIL` — every session of the user ends (they log in again).
 */
export const userCommand: Command = async (ctx, { positionals, flags }) => {
  const [sub, ...rest] = positionals
  if (sub === 'add' && rest.length === 1) return addUser(ctx, rest[0], flags.role)
  if (sub === 'remove' && rest.length === 1) return removeUserCommand(ctx, rest[0])
  if (sub === 'sessions' && rest[0] === 'revoke' && rest.length === 2) return revokeSessions(ctx, rest[1])
  throw new UsageError(USAGE)
}

async function addUser(ctx: CliContext, email: string, role: unknown): Promise<number> {
  if (role !== 'rep' && role !== 'admin') throw new UsageError('wismo user add: --role must be rep or admin')
  const parsed = EmailSchema.safeParse(email)
  if (!parsed.success) throw new DomainError('USER_EMAIL_INVALID', `user add: "${email}" is not an email address`)
  const password = await readPassword()
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainError('USER_PASSWORD_SHORT', `user add: the password must have at least ${MIN_PASSWORD_LENGTH} characters`)
  }
  const outcome = await upsertUser(await ctx.db(), { email: parsed.data, role, passwordHash: await hashPassword(password), now: ctx.clock.now() })
  ctx.out(outcome === 'created' ? `user ${parsed.data} added (${role})` : `user ${parsed.data} updated: new password, role ${role}; their sessions ended`)
  return 0
}

const unknownUser = (what: string, email: string) => new DomainError('USER_NOT_FOUND', `user ${what}: no console user ${email}`)

async function removeUserCommand(ctx: CliContext, email: string): Promise<number> {
  const db = await ctx.db()
  const removed = await db.transaction(async (tx) => {
    const stored = await removeUser(tx, email)
    if (stored) await recordAudit(tx, { actor: 'cli', action: 'user.remove', detail: { email: stored }, now: ctx.clock.now() })
    return stored
  })
  if (!removed) throw unknownUser('remove', email)
  ctx.out(`user ${removed} removed; their sessions ended`)
  return 0
}

async function revokeSessions(ctx: CliContext, email: string): Promise<number> {
  const db = await ctx.db()
  const user = await findUserByEmail(db, email)
  if (!user) throw unknownUser('sessions revoke', email)
  const ended = await db.transaction(async (tx) => {
    const n = await endUserSessions(tx, user.userId)
    await recordAudit(tx, { actor: 'cli', action: 'user.sessions_revoke', detail: { email: user.email, ended: n }, now: ctx.clock.now() })
    return n
  })
  ctx.out(`${ended} session${ended === 1 ? '' : 's'} of ${user.email} ended`)
  return 0
}
