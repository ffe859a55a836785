/**
 * Short links for the text part of an email, where a long signed URL wraps, breaks and is copied
 * wrong: `{publicUrl}/l/{code}` answers a redirect to the long choice URL.
 *
 * Why a table and a code made by HMAC rather than a fresh random code, or a shorter signed form:
 * - a signed form carries the order, line, expiry, nonce and pick in the link itself, so it can
 *   not get much shorter than the token it replaces; a code that only names a row can;
 * - the code is the first 96 bits of HMAC-SHA256(WISMO_SECRET, url): without the secret it is as
 *   unguessable as 96 random bits, and unlike random bits the same message composed twice (a
 *   retried batch) gives the same text and the same row (composeMessage is deterministic);
 * - the row keeps the token's own expiry, and the link grants nothing by itself: it leads to the
 *   signed URL, whose token is checked and used exactly as if the customer had clicked it.
 */
import { createHmac } from 'node:crypto'

/** 12 bytes = 96 bits, 16 base64url characters. */
const CODE_BYTES = 12

/** The short code of a long URL under this secret. */
export function shortCode(secret: string, url: string): string {
  return createHmac('sha256', secret).update(`wismo-short-v1.${url}`).digest().subarray(0, CODE_BYTES).toString('base64url')
}
