/**
 * SMS through a Twilio-compatible Messages API: POST form fields To, From, Body to
 * `{api}/2010-04-01/Accounts/{sid}/Messages.json` with basic auth (sid:token).
 */
import { DeliveryError } from './delivery-error.ts'

export interface SmsMessage {
  to: string
  body: string
}

export interface SmsSender {
  send(m: SmsMessage): Promise<{ id: string }>
}

export interface TwilioOptions {
  apiUrl: string
  accountSid: string
  authToken: string
  from: string
  /** Milliseconds before a request counts as timed out (retried). */
  timeoutMs?: number
}

/** Twilio error 21610: the recipient replied STOP. */
const UNSUBSCRIBED = 21610

/** The SMS adapter for Twilio's Messages API (or anything that speaks its shape). */
export function createTwilioSms(o: TwilioOptions): SmsSender {
  const url = `${o.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}/Messages.json`
  const auth = `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64')}`
  return {
    async send(m) {
      let res: Response
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: m.to, From: o.from, Body: m.body }).toString(),
          signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
        })
      } catch (err) {
        throw new DeliveryError(`SMS provider unreachable: ${(err as Error).message}`, { permanent: false, cause: err })
      }
      const text = await res.text()
      let json: { sid?: string; code?: number; message?: string } = {}
      try { json = JSON.parse(text) } catch { /* not JSON: reported below */ }
      if (res.ok && json.sid) return { id: json.sid }
      const detail = `SMS provider answered ${res.status}${json.code ? ` (code ${json.code})` : ''}: ${json.message ?? text.slice(0, 200)}`
      const retry = res.status >= 500 || res.status === 429 || res.status === 408
      throw new DeliveryError(detail, { permanent: !retry, optedOut: json.code === UNSUBSCRIBED })
    },
  }
}
