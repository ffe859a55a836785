/**
 * The customer's signed choice link (DESIGN.md "Choice links"): an HMAC-SHA256 with
 * WISMO_SECRET over the order, the line, the expiry and a nonce. The token itself proves
 * nothing more than that wismo made it; single use is enforced where a choice is recorded
 * (the nonce is unique in line_choices).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { DomainError } from '../domain/errors.ts'

/** Links live 14 days by default. */
export const CHOICE_TOKEN_DAYS = 14

export interface ChoiceTokenClaims {
  orderNumber: string
  lineNo: number
  expiresAt: Date
  nonce: string
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url')

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(`wismo-choice-v1.${body}`).digest()
}

/** Signs a choice link for one line; a fresh random nonce unless one is given. */
export function signChoiceToken(
  secret: string,
  claims: { orderNumber: string; lineNo: number; expiresAt: Date; nonce?: string },
): string {
  const nonce = claims.nonce ?? randomBytes(12).toString('base64url')
  const body = b64(JSON.stringify({ o: claims.orderNumber, l: claims.lineNo, e: Math.floor(claims.expiresAt.getTime() / 1000), n: nonce }))
  return `${body}.${mac(secret, body).toString('base64url')}`
}

/** The expiry of a link made at `now` (14 days, or `days`). */
export function choiceTokenExpiry(now: Date, days = CHOICE_TOKEN_DAYS): Date {
  return new Date(now.getTime() + days * 86_400_000)
}

/**
 * Checks a token's signature and expiry and returns what it grants. Throws DomainError
 * CHOICE_TOKEN_INVALID (malformed or tampered) or CHOICE_TOKEN_EXPIRED.
 */
export function verifyChoiceToken(secret: string, token: string, now: Date): ChoiceTokenClaims {
  const invalid = () => new DomainError('CHOICE_TOKEN_INVALID', 'this choice link is not valid (it may have been altered); ask for a new one')
  if (typeof token !== 'string' || token.length > 1000) throw invalid()
  const [body, sig, extra] = token.split('.')
  if (!body || !sig || extra !== undefined) throw invalid()
  const want = mac(secret, body)
  const got = Buffer.from(sig, 'base64url')
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw invalid()
  let claims: { o?: unknown; l?: unknown; e?: unknown; n?: unknown }
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    throw invalid()
  }
  if (typeof claims.o !== 'string' || !Number.isInteger(claims.l) || !Number.isInteger(claims.e) || typeof claims.n !== 'string') throw invalid()
  const expiresAt = new Date((claims.e as number) * 1000)
  if (now.getTime() >= expiresAt.getTime()) {
    throw new DomainError('CHOICE_TOKEN_EXPIRED', `this choice link expired on ${expiresAt.toISOString().slice(0, 10)}; ask for a new one`)
  }
  return { orderNumber: claims.o, lineNo: claims.l as number, expiresAt, nonce: claims.n }
}
