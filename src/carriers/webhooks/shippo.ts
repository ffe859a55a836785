/**
 * Shippo tracking webhooks: `track_updated` with body `{ event, test, data: <Track> }` (Shippo's
 * `WebhookPayloadTrack`); each `tracking_history` entry (and the current `tracking_status`)
 * becomes a carrier event.
 *
 * Authentication (Shippo "Webhook security"), either of:
 * - HMAC, enabled per account by Shippo: header `Shippo-Auth-Signature: t=<unix seconds>,v1=<hex>`
 *   where v1 is the HMAC-SHA256 of `<t>.<raw body>` keyed with the shared secret; a signature
 *   more than 5 minutes from wismo's clock is refused (a captured request cannot be replayed).
 * - A self-generated token in the webhook URL (`?token=…`), compared in constant time.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { CarrierEvent, CarrierStatus } from '../../domain/types.ts'
import { DomainError } from '../../domain/errors.ts'
import {
  formatLocation, header, hmacSha256, normalizeTrackingNumber, parseDay, parseInstant, safeEqual, shapeError, withEstimate,
  type NormalizedWebhook, type TrackerUpdate, type WebhookHeaders,
} from './common.ts'

export const SHIPPO_SIGNATURE_HEADER = 'shippo-auth-signature'
/** How far the signed timestamp may be from wismo's clock, either way. */
export const SHIPPO_TOLERANCE_SECONDS = 300

const STATUS: Record<string, CarrierStatus> = {
  PRE_TRANSIT: 'pre_transit',
  // UNKNOWN: the carrier has the label but has not scanned the parcel yet.
  UNKNOWN: 'pre_transit',
  TRANSIT: 'in_transit',
  DELIVERED: 'delivered',
  RETURNED: 'exception',
  FAILURE: 'exception',
}

/** Shippo has no out-for-delivery status; newer accounts say so in the substatus. */
function mapStatus(status: string, substatus: string | null | undefined): CarrierStatus {
  if (status === 'TRANSIT' && substatus === 'out_for_delivery') return 'out_for_delivery'
  return Object.hasOwn(STATUS, status) ? STATUS[status] : 'in_transit'
}

/** How a Shippo webhook proves who sent it: the HMAC secret, the URL token, or both. */
export interface ShippoAuth {
  secret?: string
  token?: string
  /** The `token` query parameter of this request. */
  givenToken?: string | null
}

function validSignature(rawBody: Buffer, given: string, secret: string, now: Date): boolean {
  const parts = given.split(',').map((p) => p.trim().split('='))
  const t = parts.find(([k]) => k === 't')?.[1] ?? ''
  const signatures = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '')
  if (!/^\d{1,12}$/.test(t) || signatures.length === 0) return false
  if (Math.abs(now.getTime() / 1000 - Number(t)) > SHIPPO_TOLERANCE_SECONDS) return false
  const expected = hmacSha256(secret, `${t}.`, rawBody).toString('hex')
  // Every v1 is compared (several during a secret rotation), so the time never says which matched.
  return signatures.map((s) => safeEqual(s.toLowerCase(), expected)).some(Boolean)
}

/**
 * Accepts a request signed with the secret (fresh within 5 minutes of `now`) or carrying the
 * configured URL token; anything else — unsigned, wrongly signed, stale — is refused.
 */
export function verify(rawBody: Buffer, headers: WebhookHeaders, auth: ShippoAuth, now: Date): boolean {
  const signature = header(headers, SHIPPO_SIGNATURE_HEADER)
  const signed = Boolean(auth.secret && signature && validSignature(rawBody, signature, auth.secret, now))
  const tokened = Boolean(auth.token && auth.givenToken && safeEqual(auth.givenToken, auth.token))
  return signed || tokened
}

const text = z.string().nullish()
const StatusSchema = z.object({
  object_id: text,
  status: z.string(),
  status_details: text,
  status_date: z.string(),
  object_updated: text,
  substatus: z.object({ code: text, text }).nullish(),
  location: z.object({ city: text, state: text, zip: text, country: text }).nullish(),
})
const TrackSchema = z.object({
  carrier: text,
  tracking_number: z.string().min(1),
  eta: text,
  tracking_status: StatusSchema.nullish(),
  tracking_history: z.array(StatusSchema).nullish(),
})
const BodySchema = z.object({ event: z.string(), test: z.boolean().nullish(), data: z.unknown() })

type TrackStatus = z.infer<typeof StatusSchema>

function toEvent(s: TrackStatus, where: string, trackingNumber: string, carrier: string | null): CarrierEvent {
  const occurredAt = parseInstant(s.status_date)
  if (!occurredAt) throw new DomainError('CARRIER_WEBHOOK_INVALID', `${where}.status_date: "${s.status_date}" is not an ISO-8601 date-time`)
  const status = mapStatus(s.status, s.substatus?.code)
  const fallback = status === 'exception' ? s.substatus?.text || s.status : null
  return {
    trackingNumber, carrier, status, occurredAt,
    location: s.location ? formatLocation(s.location) : null,
    message: s.status_details || fallback || null,
    estimatedDelivery: null,
  }
}

/** The history, plus the current status when the history does not hold it already. */
function statusesOf(t: z.infer<typeof TrackSchema>): { s: TrackStatus; where: string }[] {
  const history = (t.tracking_history ?? []).map((s, i) => ({ s, where: `data.tracking_history.${i}` }))
  const current = t.tracking_status
  const same = (s: TrackStatus) =>
    (current?.object_id && s.object_id === current.object_id) || (s.status === current?.status && s.status_date === current?.status_date)
  if (current && !history.some(({ s }) => same(s))) history.push({ s: current, where: 'data.tracking_status' })
  return history
}

/** Reads a Shippo webhook body (parsed JSON) into carrier events. Throws a DomainError on a wrong shape. */
export function normalize(body: unknown): NormalizedWebhook {
  const parsed = BodySchema.safeParse(body)
  if (!parsed.success) throw shapeError('Shippo', parsed.error.issues)
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex')
  // Shippo sends transaction and batch events to the same kind of URL; only tracks matter here.
  if (parsed.data.event !== 'track_updated') return { eventId: hash, events: [], ignored: `${parsed.data.event} is not a track_updated event` }
  const track = TrackSchema.safeParse(parsed.data.data)
  if (!track.success) throw shapeError('Shippo', track.error.issues.map((i) => ({ ...i, path: ['data', ...i.path] })))
  const t = track.data
  const number = normalizeTrackingNumber(t.tracking_number)
  const carrier = t.carrier ?? null
  const events = statusesOf(t).map(({ s, where }) => toEvent(s, where, number, carrier))
  // Shippo gives no event id: the current status object's id names this update (a retry resends it).
  const current = t.tracking_status
  const eventId = current?.object_id ? `${carrier ?? ''}:${number}:${current.object_id}` : hash
  // tracking_status is Shippo's current word; object_updated its time (else the status's date).
  const tracker: TrackerUpdate | undefined = current ? {
    trackingNumber: number, status: mapStatus(current.status, current.substatus?.code), rawStatus: current.status,
    updatedAt: parseInstant(current.object_updated) ?? parseInstant(current.status_date), final: current.status === 'DELIVERED' || current.status === 'RETURNED',
  } : undefined
  return { eventId, events: withEstimate(events, parseDay(t.eta)), ...(tracker ? { tracker } : {}) }
}
