import { z } from 'zod'
import { UsageError, type Command } from './context.ts'
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/password.ts'
import { upsertUser } from '../store/users.ts'
import { DomainError } from '../domain/errors.ts'
import { readPassword } from './read-password.ts'

const EmailSchema = z.string().trim().email()

/**
 * `wismo user add EMAIL --role rep|admin` — a console user. The password is asked on a terminal
 * (twice, not echoed), else read as one line from standard input (for scripts).
 */
export const userCommand: Command = async (ctx, { positionals, flags }) => {
  const [sub, email] = positionals
  if (sub !== 'add' || !email || positionals.length > 2) throw new UsageError('usage: wismo user add EMAIL --role rep|admin')
  const role = flags.role
  if (role !== 'rep' && role !== 'admin') throw new UsageError('wismo user add: --role must be rep or admin')
  const parsed = EmailSchema.safeParse(email)
  if (!parsed.success) throw new DomainError('USER_EMAIL_INVALID', `user add: "${email}" is not an email address`)
  const password = await readPassword()
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainError('USER_PASSWORD_SHORT', `user add: the password must have at least ${MIN_PASSWORD_LENGTH} characters`)
  }
  const outcome = await upsertUser(await ctx.db(), { email: parsed.data, role, passwordHash: await hashPassword(password), now: ctx.clock.now() })
  ctx.out(outcome === 'created' ? `user ${parsed.data} added (${role})` : `user ${parsed.data} updated: new password, role ${role}`)
  return 0
}
