/**
 * EasyPost tracking webhooks. EasyPost POSTs an Event (`description` tracker.created /
 * tracker.updated) whose `result` is the Tracker, with every tracking_detail so far; each detail
 * becomes a carrier event, so history arrives with the latest word.
 *
 * Signature (EasyPost docs, Webhooks Guide "HMAC Validation", and its client libraries'
 * `validateWebhook`): header `X-Hmac-Signature: hmac-sha256-hex=<hex>`, the HMAC-SHA256 of the
 * raw body keyed with the webhook secret, the secret first Unicode-normalized to NFKD and
 * encoded as UTF-8. EasyPost signs no timestamp, so replays are caught by the event id.
 */
import { z } from 'zod'
import type { CarrierEvent, CarrierStatus } from '../../domain/types.ts'
import { DomainError } from '../../domain/errors.ts'
import {
  formatLocation, header, hmacSha256, normalizeTrackingNumber, parseDay, parseInstant, safeEqual, shapeError, withEstimate,
  type NormalizedWebhook, type TrackerUpdate, type WebhookHeaders,
} from './common.ts'

export const EASYPOST_SIGNATURE_HEADER = 'x-hmac-signature'

/** EasyPost tracker and tracking_detail statuses → wismo's. */
const STATUS: Record<string, CarrierStatus> = {
  pre_transit: 'pre_transit',
  // "unknown" is what EasyPost says before the carrier has scanned anything it can classify.
  unknown: 'pre_transit',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  // The parcel waits at the last stop for the customer: the final leg, like a delivery run.
  available_for_pickup: 'out_for_delivery',
  delivered: 'delivered',
  return_to_sender: 'exception',
  failure: 'exception',
  error: 'exception',
  cancelled: 'exception',
}

/** A status EasyPost adds later must not refuse the webhook: the parcel is still with the carrier. */
function mapStatus(status: string): CarrierStatus {
  return Object.hasOwn(STATUS, status) ? STATUS[status] : 'in_transit'
}

const text = z.string().nullish()
const DetailSchema = z.object({
  message: text,
  description: text,
  status: z.string(),
  status_detail: text,
  datetime: z.string(),
  tracking_location: z.object({ city: text, state: text, country: text, zip: text }).nullish(),
})
const TrackerSchema = z.object({
  tracking_code: z.string().min(1),
  status: z.string().nullish(),
  updated_at: text,
  carrier: text,
  est_delivery_date: text,
  carrier_detail: z.object({ est_delivery_date_local: text }).nullish(),
  tracking_details: z.array(DetailSchema).nullish(),
})
const EventSchema = z.object({ id: z.string().min(1), description: z.string(), result: z.unknown(), updated_at: text, created_at: text })

/** EasyPost's tracker statuses that end a parcel's story. */
const FINAL = new Set(['delivered', 'return_to_sender'])

/**
 * Checks `X-Hmac-Signature` against the raw body, in constant time. `now` is unused: EasyPost
 * signs no timestamp (kept so every provider is verified the same way).
 */
export function verify(rawBody: Buffer, headers: WebhookHeaders, secret: string, _now?: Date): boolean {
  const given = header(headers, EASYPOST_SIGNATURE_HEADER)
  if (!given || !secret) return false
  const key = Buffer.from(secret.normalize('NFKD'), 'utf8')
  const expected = `hmac-sha256-hex=${hmacSha256(key, rawBody).toString('hex')}`
  return safeEqual(given.toLowerCase(), expected)
}

type Detail = z.infer<typeof DetailSchema>

function toEvent(d: Detail, i: number, trackingNumber: string, carrier: string | null): CarrierEvent {
  const occurredAt = parseInstant(d.datetime)
  if (!occurredAt) throw new DomainError('CARRIER_WEBHOOK_INVALID', `result.tracking_details.${i}.datetime: "${d.datetime}" is not an ISO-8601 date-time`)
  const status = mapStatus(d.status)
  // An exception keeps the carrier's own reason; EasyPost's status_detail is the fallback.
  const reason = d.message || d.description || (status === 'exception' ? (d.status_detail ?? d.status).replace(/_/g, ' ') : null)
  const loc = d.tracking_location
  return {
    trackingNumber, carrier, status, occurredAt,
    location: loc ? formatLocation(loc) : null,
    message: reason ?? null,
    estimatedDelivery: null,
  }
}

/** Reads an EasyPost Event (parsed JSON) into carrier events. Throws a DomainError on a wrong shape. */
export function normalize(body: unknown): NormalizedWebhook {
  const event = EventSchema.safeParse(body)
  if (!event.success) throw shapeError('EasyPost', event.error.issues)
  const { id, description } = event.data
  // EasyPost sends every event kind to every webhook; one that is not about a tracker is fine, and ignored.
  if (!description.startsWith('tracker.')) return { eventId: id, events: [], ignored: `${description} is not a tracker event` }
  const tracker = TrackerSchema.safeParse(event.data.result)
  if (!tracker.success) throw shapeError('EasyPost', tracker.error.issues.map((i) => ({ ...i, path: ['result', ...i.path] })))
  const t = tracker.data
  const number = normalizeTrackingNumber(t.tracking_code)
  const events = (t.tracking_details ?? []).map((d, i) => toEvent(d, i, number, t.carrier ?? null))
  const estimate = parseDay(t.carrier_detail?.est_delivery_date_local) ?? parseDay(t.est_delivery_date)
  // The tracker's updated_at, else the event's own time: never the scans' (they may be skewed).
  const view: TrackerUpdate | undefined = t.status ? {
    trackingNumber: number, status: mapStatus(t.status), rawStatus: t.status, final: FINAL.has(t.status),
    updatedAt: parseInstant(t.updated_at) ?? parseInstant(event.data.updated_at) ?? parseInstant(event.data.created_at),
  } : undefined
  return { eventId: id, events: withEstimate(events, estimate), ...(view ? { tracker: view } : {}) }
}
