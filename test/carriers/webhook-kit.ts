/**
 * Test kit for the carrier webhooks: the public sample payloads, signed the way each provider
 * signs them, and an order whose line shipped under the sample's tracking number.
 */
import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Queryable } from '../../src/store/db.ts'
import { seedOrder } from '../helpers/seed.ts'

export const SECRETS = {
  // Composed "é" (NFC): EasyPost's libraries key the HMAC with the NFKD form ("e" + combining accent).
  easypost: 's\u00e9cret',
  aftership: 'aftership-test-secret',
  shippo: 'shippo-test-secret',
  shippoToken: 'tok_0123456789abcdef',
}

const fixtures = path.join(import.meta.dirname, '../fixtures/carrier-events')
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

/** A fixture as parsed JSON (a fresh copy each time, so tests can reshape it). */
export function fixture(name: string): Json {
  return JSON.parse(fs.readFileSync(path.join(fixtures, name), 'utf8'))
}

export function fixtureBytes(name: string): Buffer {
  return fs.readFileSync(path.join(fixtures, name))
}

export const signEasyPost = (body: Buffer, secret = SECRETS.easypost) =>
  `hmac-sha256-hex=${createHmac('sha256', Buffer.from(secret.normalize('NFKD'), 'utf8')).update(body).digest('hex')}`

export const signAfterShip = (body: Buffer, secret = SECRETS.aftership) => createHmac('sha256', secret).update(body).digest('base64')

export function signShippo(body: Buffer, at: Date, secret = SECRETS.shippo): string {
  const t = Math.floor(at.getTime() / 1000)
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`
}

export type Provider = 'easypost' | 'aftership' | 'shippo'

/** POSTs a raw body to a provider's webhook with the given headers (and query string). */
export function post(app: FastifyInstance, provider: Provider, body: Buffer | string, headers: Record<string, string> = {}, query = '') {
  return app.inject({
    method: 'POST', url: `/api/carriers/${provider}/webhook${query}`, payload: body,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

/** An order with one line, shipped under `tracking` (the shipment row an 856 or CSV feed would have made). */
export async function seedShippedOrder(db: Queryable, o: { order: string; sku: string; placedAt: string; carrier: string; tracking: string; shippedAt: string }) {
  await seedOrder(db, { orderNumber: o.order, email: 'dana@example.com', placedAt: o.placedAt, lines: [{ lineNo: 1, sku: o.sku, qty: 1, supplierId: 'ACME' }] })
  await db.query(
    `INSERT INTO shipments (order_line_id, carrier, tracking_number, shipped_at, qty)
     SELECT ol.order_line_id, $2, $3, $4, ol.qty FROM order_lines ol JOIN orders o USING (order_id) WHERE o.order_number = $1`,
    [o.order, o.carrier, o.tracking, o.shippedAt],
  )
}

/**
 * EasyPost's tracking-guide webhook cut to its first `n` details, under its own event id and
 * tracker status. The tracker's updated_at is n o'clock on the sample's own day (2014-11-19),
 * so each step is newer than the one before and older than the whole sample (10:51:54).
 */
export function easyPostStep(id: string, n: number, status: string, updatedAt = `2014-11-19T${String(n).padStart(2, '0')}:00:00Z`): Buffer {
  const event = fixture('easypost/tracking-webhook.json')
  event.id = id
  event.result.status = status
  event.result.updated_at = updatedAt
  event.result.tracking_details = event.result.tracking_details.slice(0, n)
  return Buffer.from(JSON.stringify(event))
}

/** AfterShip's webhook envelope around the first tracking of GetTrackingsResult, cut to `n` checkpoints. */
export function afterShipBody(eventId: string, n: number, tag: string): Buffer {
  const tracking = fixture('aftership/GetTrackingsResult.json').data.trackings[0]
  tracking.checkpoints = tracking.checkpoints.slice(0, n)
  tracking.tag = tag
  // The tracking's own time moves with the webhook's ts: a later step is a newer view.
  tracking.updated_at = new Date((1533100000 + n) * 1000).toISOString()
  return Buffer.from(JSON.stringify({ event: 'tracking_update', event_id: eventId, is_tracking_first_tag: false, msg: tracking, ts: 1533100000 + n }))
}

/** Shippo's track_updated around the Track of the recorded GET /tracks response. */
export function shippoBody(track: Json = fixture('shippo/test_get_status.response-body.DERIVED.json')): Buffer {
  return Buffer.from(JSON.stringify({ event: 'track_updated', test: true, data: track }))
}

/** Waits until no delivery is left `received`: webhooks are answered first and applied after (src/feeds/apply-queue.ts). */
export async function settled(db: Queryable): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_messages WHERE status = 'received'`)
    if (r.n === 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('a stored webhook was not applied')
}

/** The stored message of an answer, once applied: its status and summary lines. */
export async function messageOf(db: Queryable, messageId: number): Promise<{ status: string; summary: string[] | null; error: string | null }> {
  const [m] = await db.query<{ status: string; summary: string[] | null; error: string | null }>(
    'SELECT status, summary, error FROM inbound_messages WHERE message_id = $1', [messageId])
  return m
}

/** POSTs like `post`, then waits until the delivery is applied; `summary` is what applying it said. */
export async function deliver(app: FastifyInstance, db: Queryable, provider: Provider, body: Buffer | string, headers: Record<string, string> = {}, query = '') {
  const r = await post(app, provider, body, headers, query)
  await settled(db)
  const json = r.json()
  const m = typeof json.messageId === 'number' ? await messageOf(db, json.messageId) : null
  return { statusCode: r.statusCode, body: r.body, json, status: m?.status ?? null, summary: m?.summary ?? [] }
}
