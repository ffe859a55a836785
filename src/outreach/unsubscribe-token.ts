/** Signed unsubscribe tokens: `<customer id>.<HMAC>`; the id alone never unsubscribes anyone. */
import { createHmac, timingSafeEqual } from 'node:crypto'

const sign = (customerId: number, secret: string) =>
  createHmac('sha256', secret).update(`unsubscribe:${customerId}`).digest('base64url').slice(0, 32)

/** The token for a customer's unsubscribe link. */
export function signUnsubscribeToken(customerId: number, secret: string): string {
  return `${customerId}.${sign(customerId, secret)}`
}

/** The customer id a token was made for; null when it is malformed or tampered with. */
export function verifyUnsubscribeToken(token: string, secret: string): number | null {
  const m = /^(\d{1,18})\.([A-Za-z0-9_-]{32})$/.exec(token)
  if (!m) return null
  const id = Number(m[1])
  const want = Buffer.from(sign(id, secret))
  const got = Buffer.from(m[2])
  return want.length === got.length && timingSafeEqual(want, got) ? id : null
}
