/**
 * The customer's proof, remembered for a short while: a cookie signed with WISMO_SECRET, scoped to
 * one order's pages (its Path), holding the order number and an expiry. The order number alone
 * never shows an order; this cookie, a choice link's token, or a fresh lookup does.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'

export const LOOKUP_COOKIE = 'wismo_order'
/** How long a lookup is remembered. */
export const LOOKUP_TTL_MS = 30 * 60_000

export const orderPath = (orderNumber: string) => `/orders/${encodeURIComponent(orderNumber)}`

/** Sets the signed cookie after a successful lookup (or a valid choice link). */
export function setLookupCookie(reply: FastifyReply, req: FastifyRequest, orderNumber: string, now: Date): void {
  const expires = now.getTime() + LOOKUP_TTL_MS
  reply.setCookie(LOOKUP_COOKIE, `${expires}|${orderNumber}`, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    // Secure: set for every cookie in pages.ts (https public URL, or an https request).
    path: orderPath(orderNumber),
    maxAge: Math.floor(LOOKUP_TTL_MS / 1000),
  })
}

/**
 * True when the request carries a valid, unexpired lookup cookie for this order. The expiry is
 * inside the signed value and checked against wismo's clock, not only the browser's Max-Age.
 */
export function hasLookupCookie(req: FastifyRequest, orderNumber: string, now: Date): boolean {
  const raw = req.cookies[LOOKUP_COOKIE]
  if (!raw) return false
  const unsigned = req.unsignCookie(raw)
  if (!unsigned.valid || unsigned.value === null) return false
  const bar = unsigned.value.indexOf('|')
  const expires = Number(unsigned.value.slice(0, bar))
  return bar > 0 && unsigned.value.slice(bar + 1) === orderNumber && Number.isFinite(expires) && expires > now.getTime()
}
