/**
 * The demo's phone call: a curl line that plays the first step of a call from the ugly example's
 * customer, signed as Twilio signs it, so a newcomer hears (reads) what a caller would.
 */
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js'
import type { Queryable } from '../store/db.ts'

/** The token the demo signs with when TWILIO_AUTH_TOKEN is not set; never used on a database without the demo. */
export const DEMO_TWILIO_AUTH_TOKEN = 'wismo-demo-twilio-auth-token'

/** A shell-quoted curl command posting the first voice step for the demo customer of `orderNumber`. */
export async function demoCallCurl(db: Queryable, opts: { orderNumber: string; publicUrl: string; localUrl: string; authToken: string }): Promise<string | null> {
  const [row] = await db.query<{ phone: string | null }>(
    'SELECT c.phone FROM orders o JOIN customers c USING (customer_id) WHERE o.order_number = $1',
    [opts.orderNumber],
  )
  if (!row?.phone) return null
  const digits = row.phone.replace(/\D/g, '')
  const fields = { CallSid: 'CAdemo0000000000000000000000000001', From: `+${digits.length === 10 ? `1${digits}` : digits}` }
  const path = '/api/voice/incoming'
  const signature = getExpectedTwilioSignature(opts.authToken, `${opts.publicUrl.replace(/\/+$/, '')}${path}`, fields)
  const data = Object.entries(fields).map(([k, v]) => `--data-urlencode '${k}=${v}'`).join(' ')
  return `curl -s -X POST ${opts.localUrl}${path} -H 'X-Twilio-Signature: ${signature}' ${data}`
}
