import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { decoyHash, verifyPassword } from '../../../auth/password.ts'
import { findLoginTarget, type UserRow } from '../../../store/users.ts'
import { checkLookupLock, clearLookupFailures, recordClientFailure, type GuardKey, type LookupPolicy } from '../../lookup-guard.ts'
import { createSession, deleteSession, type Session } from '../../../store/sessions.ts'
import { recordAudit } from '../../../store/audit.ts'
import { sendPage, formatWhen } from '../render.ts'
import type { PagesDeps } from '../pages.ts'
import { LoginPage } from './login-page.tsx'
import { clearSessionCookie, LOGIN_CSRF_COOKIE, loginCsrf, sameToken, sessionOf, setSessionCookie, SESSION_COOKIE } from './session.ts'

const LoginForm = z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1000), _csrf: z.string() })

/** The session of a console page request, or a redirect to the login (null returned). */
export async function requireSession(deps: PagesDeps, req: FastifyRequest, reply: FastifyReply): Promise<Session | null> {
  const session = await sessionOf(deps.db, req, deps.clock.now())
  if (!session) {
    await reply.redirect('/console', 303)
    return null
  }
  return session
}

/** For a console POST: the session, with the form's CSRF token checked; else an answer is sent and null returned. */
export async function requirePost(deps: PagesDeps, req: FastifyRequest, reply: FastifyReply): Promise<Session | null> {
  const session = await requireSession(deps, req, reply)
  if (!session) return null
  const token = (req.body as Record<string, unknown> | undefined)?._csrf
  if (!sameToken(token, session.csrfToken)) {
    await reply.code(403).type('text/plain; charset=utf-8').send('This form has expired (CSRF token missing or wrong). Go back, reload the page and try again.')
    return null
  }
  return session
}

/** Login, logout; `GET /console` shows the login or, with a session, the worklist (registered elsewhere). */
export function registerAuthRoutes(app: FastifyInstance, deps: PagesDeps): void {
  const store = deps.store

  app.get('/console/login', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console', 303))

  app.post('/console/login', { schema: { hide: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    const email = typeof body.email === 'string' ? body.email.slice(0, 320) : ''
    const cookieToken = req.cookies[LOGIN_CSRF_COOKIE]
    const csrf = loginCsrf(req, reply)
    if (!cookieToken || !sameToken(body._csrf, cookieToken)) {
      return sendPage(reply, LoginPage({ store, csrf, email, error: 'This form expired. Please try again.' }), 403)
    }
    const form = LoginForm.safeParse(body)
    if (!form.success) return sendPage(reply, LoginPage({ store, csrf, email, error: 'Enter your email and password.' }), 400)
    const now = deps.clock.now()
    const outcome = await attemptLogin(deps, req.ip, form.data, now)
    if (outcome.kind === 'refused') {
      reply.header('retry-after', String(outcome.retryAfterSeconds))
      return sendPage(reply, LoginPage({ store, csrf, email, error: outcome.text }), 429)
    }
    if (outcome.kind === 'wrong') return sendPage(reply, LoginPage({ store, csrf, email, error: 'Wrong email or password.' }), 401)
    const user = outcome.user
    const session = await createSession(deps.db, user.userId, now)
    await recordAudit(deps.db, { actor: `rep:${user.email}`, action: 'user.login', detail: {}, now })
    setSessionCookie(reply, req, session.token, session.expiresAt, now)
    return reply.redirect('/console', 303)
  })

  app.post('/console/logout', { schema: { hide: true } }, async (req, reply) => {
    const session = await requirePost(deps, req, reply)
    if (!session) return reply
    await deleteSession(deps.db, req.cookies[SESSION_COOKIE]!)
    await recordAudit(deps.db, { actor: `rep:${session.email}`, action: 'user.logout', detail: {}, now: deps.clock.now() })
    clearSessionCookie(reply, req)
    return sendPage(reply, LoginPage({ store, csrf: loginCsrf(req, reply), loggedOut: true }))
  })
}

type LoginOutcome = { kind: 'ok'; user: UserRow } | { kind: 'wrong' } | { kind: 'refused'; text: string; retryAfterSeconds: number }

/**
 * Checks a login under its limits: the client's (before any password is hashed: a throttled client
 * costs one indexed read), then the account's — keyed on the user record, however its email was
 * typed; an email with no user has its own, alike — then the password. A failure counts for both.
 */
async function attemptLogin(deps: PagesDeps, ip: string, form: { email: string; password: string }, now: Date): Promise<LoginOutcome> {
  const client: GuardKey = { scope: 'login-client', key: ip, now, policy: LOGIN_CLIENT_POLICY }
  const throttled = await checkLookupLock(deps.db, client)
  if (throttled.locked) return { kind: 'refused', text: throttledText(throttled.retryAfterSeconds), retryAfterSeconds: throttled.retryAfterSeconds }
  const { user, emailKey } = await findLoginTarget(deps.db, form.email)
  const account: GuardKey = user
    ? { scope: 'login-user', key: String(user.userId), now, policy: ACCOUNT_POLICY }
    : { scope: 'login-email', key: emailKey, now, policy: ACCOUNT_POLICY }
  const locked = await checkLookupLock(deps.db, account)
  if (locked.locked) return { kind: 'refused', text: lockedText(locked.until, deps.timeZone), retryAfterSeconds: locked.retryAfterSeconds }
  const ok = await verifyPassword(form.password, user?.passwordHash ?? (await decoyHash()))
  if (user && ok) {
    await clearLookupFailures(deps.db, account)
    return { kind: 'ok', user }
  }
  const failed = await recordClientFailure(deps.db, client, account)
  const gate = failed.client.wasLocked ? failed.client.gate : failed.key?.gate
  if (gate?.locked) {
    const text = failed.client.wasLocked ? throttledText(gate.retryAfterSeconds) : lockedText(gate.until, deps.timeZone)
    return { kind: 'refused', text, retryAfterSeconds: gate.retryAfterSeconds }
  }
  return { kind: 'wrong' }
}

/** Failed logins an account (or an email with no account) takes in 15 minutes before it is locked for 15. */
const ACCOUNT_POLICY: LookupPolicy = { maxFailures: 5, windowMs: 15 * 60_000 }
/** Failed logins one client (req.ip under WISMO_TRUST_PROXY) makes in 15 minutes, over any accounts, before it waits. */
const LOGIN_CLIENT_POLICY: LookupPolicy = { maxFailures: 20, windowMs: 15 * 60_000 }

function throttledText(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60)
  return `Too many failed logins from your connection. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`
}

function lockedText(until: Date, timeZone: string): string {
  return `Too many failed attempts: this account is locked until ${formatWhen(until, timeZone)}. Try again then, or ask an admin.`
}
