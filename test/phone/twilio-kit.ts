/**
 * Drives wismo as Twilio does: form-encoded POSTs signed with X-Twilio-Signature (HMAC-SHA1 of the
 * URL followed by each field name and value, fields sorted by name, base64) — computed here on its
 * own, not with Twilio's helper that the server uses, so the two check each other — and TwiML
 * answers parsed with an XML parser.
 */
import { createHmac } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { XMLParser } from 'fast-xml-parser'

export const AUTH_TOKEN = 'test-twilio-auth-token-0123456789'
export const PUBLIC_URL = 'https://shop.example.com'

export function twilioSignature(token: string, url: string, fields: Record<string, string>): string {
  const data = Object.keys(fields).sort().reduce((acc, k) => acc + k + fields[k], url)
  return createHmac('sha1', token).update(Buffer.from(data, 'utf8')).digest('base64')
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, isArray: (name) => ['Say', 'Gather', 'Message', 'Dial'].includes(name) })

export interface TwimlStep {
  status: number
  xml: string
  /** Everything <Say> says, in order, including inside <Gather>. */
  said: string[]
  /** The <Gather action> of the answer, as a path with query (what the next request posts to). */
  next: string | null
  hangup: boolean
  dial: string | null
  messages: string[]
}

export function parseTwiml(status: number, xml: string): TwimlStep {
  const doc = parser.parse(xml)
  const r = doc.Response ?? {}
  const text = (s: unknown) => (typeof s === 'string' ? s : (s as { '#text'?: string })?.['#text'] ?? '')
  const said: string[] = [...(r.Say ?? []).map(text)]
  let next: string | null = null
  for (const g of r.Gather ?? []) {
    said.push(...(g.Say ?? []).map(text))
    const action = new URL(g.action)
    next = `${action.pathname}${action.search}`
  }
  const dial = r.Dial?.[0] ? text(r.Dial[0]) : null
  return { status, xml, said, next, hangup: 'Hangup' in r, dial, messages: (r.Message ?? []).map(text) }
}

/** One signed request to `path` (path + query) with these form fields. */
export async function postSigned(app: FastifyInstance, path: string, fields: Record<string, string>, opts: { token?: string; sign?: boolean } = {}): Promise<TwimlStep> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (opts.sign !== false) headers['x-twilio-signature'] = twilioSignature(opts.token ?? AUTH_TOKEN, `${PUBLIC_URL}${path}`, fields)
  const res = await app.inject({ method: 'POST', url: path, headers, payload: new URLSearchParams(fields).toString() })
  return parseTwiml(res.statusCode, res.body)
}

/** A phone call: each press posts to the last answer's <Gather action>. */
export class Call {
  last: TwimlStep | null = null
  heard: string[] = []
  constructor(readonly app: FastifyInstance, readonly callSid: string, readonly from: string) {}

  async start(): Promise<TwimlStep> {
    return this.#post('/api/voice/incoming', {})
  }

  async press(digits: string): Promise<TwimlStep> {
    if (!this.last?.next) throw new Error(`nothing to press: the last answer gathers nothing\n${this.last?.xml}`)
    return this.#post(this.last.next, { Digits: digits })
  }

  async say(speech: string): Promise<TwimlStep> {
    if (!this.last?.next) throw new Error('nothing to say to')
    return this.#post(this.last.next, { SpeechResult: speech, Digits: '' })
  }

  async #post(path: string, extra: Record<string, string>): Promise<TwimlStep> {
    const step = await postSigned(this.app, path, { CallSid: this.callSid, From: this.from, To: '+18005550100', AccountSid: 'AC' + '0'.repeat(32), ...extra })
    if (step.status !== 200) throw new Error(`${path} answered ${step.status}: ${step.xml}`)
    this.last = step
    this.heard.push(...step.said)
    return step
  }
}
