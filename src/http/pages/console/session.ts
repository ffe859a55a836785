/**
 * Console sessions and CSRF. The session cookie holds a random token (only its hash is stored),
 * httpOnly and SameSite=Strict, scoped to /console. Every POST form carries the session's
 * synchronizer token; the login form, before any session, a token paired with a cookie.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Queryable } from '../../../store/db.ts'
import { findSession, type Session } from '../../../store/sessions.ts'

export const SESSION_COOKIE = 'wismo_session'
export const LOGIN_CSRF_COOKIE = 'wismo_login_csrf'
const COOKIE_PATH = '/console'

const cookieOptions = (req: FastifyRequest) => ({
  // Secure: set for every cookie in pages.ts (https public URL, or an https request).
  httpOnly: true, sameSite: 'strict' as const, path: COOKIE_PATH,
})

export function setSessionCookie(reply: FastifyReply, req: FastifyRequest, token: string, expiresAt: Date, now: Date): void {
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(req), maxAge: Math.floor((expiresAt.getTime() - now.getTime()) / 1000) })
}

export function clearSessionCookie(reply: FastifyReply, req: FastifyRequest): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(req))
}

/** The live session of this request, or null. */
export async function sessionOf(db: Queryable, req: FastifyRequest, now: Date): Promise<Session | null> {
  const token = req.cookies[SESSION_COOKIE]
  if (!token || token.length > 200) return null
  return findSession(db, token, now)
}

/**
 * Equal strings, compared in constant time. Compared as bytes: a string of the same length in
 * characters can have more bytes (é is two), and timingSafeEqual throws on unequal lengths.
 */
export function sameToken(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The login form's CSRF token: reuses the cookie's when there is one, else sets a new one. */
export function loginCsrf(req: FastifyRequest, reply: FastifyReply): string {
  const existing = req.cookies[LOGIN_CSRF_COOKIE]
  if (existing && /^[\w-]{20,64}$/.test(existing)) return existing
  const token = randomBytes(24).toString('base64url')
  reply.setCookie(LOGIN_CSRF_COOKIE, token, cookieOptions(req))
  return token
}
