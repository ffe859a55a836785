/**
 * The webhook bodies: EasyPost `tracker.updated` events built from the real fixture
 * (test/fixtures/carrier-events/easypost/event-body.json, 7 tracking details), each a distinct
 * event with a new datetime on its latest detail, signed up front into a SharedArrayBuffer so the
 * load generator neither signs nor copies per request.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createHmac } from 'node:crypto'
import * as easypost from '../../src/carriers/webhooks/easypost.ts'
import { readJson } from '../../src/carriers/webhooks/common.ts'
import { root } from '../common.ts'

const FIXTURE = path.join(root, 'test', 'fixtures', 'carrier-events', 'easypost', 'event-body.json')
export const SECRET = 'whsec_bench_ingest_0123456789abcdef'
/** The new latest detail of body i is at LATEST_BASE + (i div shipments) minutes: after the fixture's history. */
const LATEST_BASE = Date.parse('2024-08-02T19:00:00Z')

export interface Template {
  /** Literal pieces and tokens, in order. */
  parts: (string | { token: 'ID' | 'AT' | 'TN' })[]
  /** The 6 history details as wismo reads them (to seed carrier_events). */
  history: { carrier: string | null; status: string; occurredAt: Date; location: string | null; message: string | null }[]
}

export const trackingOf = (n: number) => `EZ${String(n).padStart(10, '0')}`
const latestAt = (k: number) => new Date(LATEST_BASE + k * 60_000).toISOString().replace('.000Z', 'Z')

export function loadTemplate(): Template {
  const event = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'))
  const details = event.result.tracking_details as { datetime: string }[]
  if (event.description !== 'tracker.updated' || details.length !== 7) throw new Error(`${FIXTURE}: expected a tracker.updated event with 7 tracking details`)
  event.id = '@ID@'
  event.updated_at = '@AT@'
  event.result.id = 'trk_@TN@'
  event.result.tracking_code = '@TN@'
  event.result.updated_at = '@AT@'
  event.result.public_url = 'https://track.easypost.com/@TN@'
  details[details.length - 1].datetime = '@AT@'
  const text = JSON.stringify(event)
  const parts: Template['parts'] = []
  let last = 0
  for (const m of text.matchAll(/@(ID|AT|TN)@/g)) {
    parts.push(text.slice(last, m.index))
    parts.push({ token: m[1] as 'ID' | 'AT' | 'TN' })
    last = m.index! + m[0].length
  }
  parts.push(text.slice(last))
  // The history as wismo itself reads it, so the seeded rows are exactly the ones a webhook conflicts with.
  const sample = render(parts, 'evt_template', trackingOf(1), latestAt(0))
  const read = easypost.normalize(readJson(Buffer.from(sample)))
  const history = read.events
    .filter((e) => e.occurredAt.getTime() < LATEST_BASE)
    .map((e) => ({ carrier: e.carrier, status: e.status, occurredAt: e.occurredAt, location: e.location, message: e.message }))
  if (history.length !== 6 || read.events.length !== 7) throw new Error(`template: expected 7 events, 6 of them history (got ${read.events.length}, ${history.length})`)
  return { parts, history }
}

function render(parts: Template['parts'], id: string, tn: string, at: string): string {
  let s = ''
  for (const p of parts) s += typeof p === 'string' ? p : p.token === 'ID' ? id : p.token === 'TN' ? tn : at
  return s
}

export function sign(body: Buffer | string, secret = SECRET): string {
  return `hmac-sha256-hex=${createHmac('sha256', Buffer.from(secret.normalize('NFKD'), 'utf8')).update(body).digest('hex')}`
}

export interface BodyPool {
  bodies: SharedArrayBuffer
  offsets: SharedArrayBuffer
  signatures: string[]
  count: number
  minBytes: number
  maxBytes: number
}

/** Body i: event `evt_bench_<i>`, shipment i mod shipments, latest detail at LATEST_BASE + (i div shipments) minutes. */
export function buildBodies(t: Template, count: number, shipments: number): BodyPool {
  const literal = t.parts.reduce((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : 48), 0)
  return packBodies(count, literal, (i) => render(t.parts, `evt_bench_${i}`, trackingOf(1 + (i % shipments)), latestAt(Math.floor(i / shipments))), sign)
}

/**
 * Any suite's bodies: `render(i)` for i < count, at most `maxBytes` each in UTF-8, packed into one
 * SharedArrayBuffer (the load generator thread reads them without a copy), each signed by `signOf`.
 */
export function packBodies(count: number, maxBytes: number, render: (i: number) => string, signOf: (body: Buffer) => string): BodyPool {
  const bodies = new SharedArrayBuffer(maxBytes * count)
  const offsets = new SharedArrayBuffer(8 * (count + 1))
  const buf = Buffer.from(bodies)
  const offs = new Float64Array(offsets)
  const signatures: string[] = new Array(count)
  let pos = 0
  let minBytes = Infinity
  let maxSeen = 0
  for (let i = 0; i < count; i++) {
    const body = render(i)
    const n = Buffer.byteLength(body)
    if (n > maxBytes) throw new Error(`body ${i}: ${n} bytes, more than the ${maxBytes} allowed for each`)
    buf.write(body, pos, 'utf8')
    offs[i] = pos
    signatures[i] = signOf(buf.subarray(pos, pos + n))
    pos += n
    minBytes = Math.min(minBytes, n)
    maxSeen = Math.max(maxSeen, n)
  }
  offs[count] = pos
  return { bodies, offsets, signatures, count, minBytes, maxBytes: maxSeen }
}

/** Extra bodies (sanity checks, profiling, EXPLAIN): ids and datetimes the pool never uses. */

/** An extra body (sanity checks): an id and datetime the pool never uses. */
export function extraBody(t: Template, j: number, shipments: number): { body: Buffer; signature: string } {
  const body = Buffer.from(render(t.parts, `evt_sanity_${j}`, trackingOf(1 + ((j * 7919) % shipments)), latestAt(100_000 + j)))
  return { body, signature: sign(body) }
}
