import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { decoyHash, verifyPassword } from '../../../auth/password.ts'
import { clearLoginFailures, findUserByEmail, lockedUntil, recordLoginFailure } from '../../../store/users.ts'
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
    const locked = await lockedUntil(deps.db, form.data.email, now)
    if (locked) return sendPage(reply, LoginPage({ store, csrf, email, error: lockedText(locked, deps.timeZone) }), 429)
    const user = await findUserByEmail(deps.db, form.data.email)
    const ok = await verifyPassword(form.data.password, user?.passwordHash ?? (await decoyHash()))
    if (!user || !ok) {
      const nowLocked = await recordLoginFailure(deps.db, form.data.email, now)
      if (nowLocked) return sendPage(reply, LoginPage({ store, csrf, email, error: lockedText(nowLocked, deps.timeZone) }), 429)
      return sendPage(reply, LoginPage({ store, csrf, email, error: 'Wrong email or password.' }), 401)
    }
    await clearLoginFailures(deps.db, user.email)
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

function lockedText(until: Date, timeZone: string): string {
  return `Too many failed attempts: this account is locked until ${formatWhen(until, timeZone)}. Try again then, or ask an admin.`
}
