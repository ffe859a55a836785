import type { FastifyReply } from 'fastify'
import type { ReactElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { DomainError } from '../../domain/errors.ts'

/** The retailer's own details, on every customer page (DESIGN.md "The store's own details"). */
export interface StoreInfo {
  name: string
  phone: string
  supportEmail: string
}

/**
 * Renders a page on the server and sends it. Pages are never cached: each shows one person's
 * order or a rep's session.
 */
export function sendPage(reply: FastifyReply, page: ReactElement, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${renderToStaticMarkup(page)}`)
}

/** `tel:` form of a phone number as people write it. */
export const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`

const MONEY = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })
export const formatMoney = (n: number) => MONEY.format(n)

/** "Nov 16, 10:05 AM" in the store's time zone. */
export function formatWhen(at: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone }).format(new Date(at))
}

/**
 * Route parameters checked with a zod schema; a path that cannot name anything (too long, not a
 * number) is a 404, not a server fault.
 */
export function pathParams<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, params: unknown): T {
  const r = schema.safeParse(params)
  if (!r.success) throw new DomainError('NOT_FOUND', 'no such page')
  return r.data
}
