/**
 * AfterShip tracking webhooks. The body (AfterShip "Webhook Specifications") is
 * `{ event, event_id, is_tracking_first_tag, msg, ts }`: `event` is tracking_update (or
 * edd_revise, tracking_pending_time), `msg` the Tracking object as the API returns it, with all
 * its checkpoints; each checkpoint becomes a carrier event.
 *
 * Signature (AfterShip "Webhook Signature"): header `aftership-hmac-sha256`, the base64
 * HMAC-SHA256 of the raw body keyed with the account's webhook secret. No timestamp is signed;
 * replays are caught by the event id (`event_id`, else `msg.id` + `ts`, else a hash of the body).
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { CarrierEvent, CarrierStatus } from '../../domain/types.ts'
import { DomainError } from '../../domain/errors.ts'
import {
  formatLocation, header, hmacSha256, normalizeTrackingNumber, parseDay, parseInstant, safeEqual, shapeError, withEstimate,
  type NormalizedWebhook, type TrackerUpdate, type WebhookHeaders,
} from './common.ts'

export const AFTERSHIP_SIGNATURE_HEADER = 'aftership-hmac-sha256'

/** AfterShip delivery tags → wismo's statuses. */
const TAGS: Record<string, CarrierStatus> = {
  Pending: 'pre_transit',
  InfoReceived: 'pre_transit',
  InTransit: 'in_transit',
  OutForDelivery: 'out_for_delivery',
  // Waiting at a pickup point for the customer: the last leg (the message says where).
  AvailableForPickup: 'out_for_delivery',
  Delivered: 'delivered',
  AttemptFail: 'exception',
  Exception: 'exception',
  // No carrier update for 30 days: a rep should look, as for any carrier problem.
  Expired: 'exception',
}

function mapTag(tag: string): CarrierStatus {
  return Object.hasOwn(TAGS, tag) ? TAGS[tag] : 'in_transit'
}

const text = z.string().nullish()
const estimate = z.object({ estimated_delivery_date: text }).nullish()
const CheckpointSchema = z.object({
  checkpoint_time: z.string(),
  tag: z.string(),
  subtag_message: text,
  message: text,
  location: text,
  city: text,
  state: text,
  country_iso3: text,
  zip: text,
  slug: text,
})
const TrackingSchema = z.object({
  id: text,
  tracking_number: z.string().min(1),
  slug: text,
  tag: text,
  updated_at: text,
  checkpoints: z.array(CheckpointSchema).nullish(),
  expected_delivery: text,
  latest_estimated_delivery: z.object({ datetime: text, datetime_max: text }).nullish(),
  courier_estimated_delivery_date: estimate,
  aftership_estimated_delivery_date: estimate,
})
const BodySchema = z.object({
  event: text,
  event_id: text,
  ts: z.union([z.number(), z.string()]).nullish(),
  msg: TrackingSchema,
})

/** Checks `aftership-hmac-sha256` (base64) against the raw body, in constant time. AfterShip signs no timestamp. */
export function verify(rawBody: Buffer, headers: WebhookHeaders, secret: string, _now?: Date): boolean {
  const given = header(headers, AFTERSHIP_SIGNATURE_HEADER)
  if (!given || !secret) return false
  return safeEqual(given, hmacSha256(secret, rawBody).toString('base64'))
}

type Checkpoint = z.infer<typeof CheckpointSchema>

function toEvent(c: Checkpoint, i: number, trackingNumber: string, carrier: string | null): CarrierEvent {
  const occurredAt = parseInstant(c.checkpoint_time)
  if (!occurredAt) throw new DomainError('CARRIER_WEBHOOK_INVALID', `msg.checkpoints.${i}.checkpoint_time: "${c.checkpoint_time}" is not an ISO-8601 date-time`)
  return {
    trackingNumber,
    carrier: c.slug ?? carrier,
    status: mapTag(c.tag),
    occurredAt,
    location: c.location || formatLocation({ city: c.city, state: c.state, country: c.country_iso3, zip: c.zip }),
    // The carrier's own words (an exception's reason); AfterShip's subtag text when it gave none.
    message: c.message || c.subtag_message || null,
    estimatedDelivery: null,
  }
}

/**
 * The newest estimate AfterShip gives: its latest EDD (a window's last day: wismo keeps one date,
 * and an ETA should err late), the tracking's expected date, the courier's, then its own prediction.
 */
function estimateOf(t: z.infer<typeof TrackingSchema>): string | null {
  const latest = t.latest_estimated_delivery
  return parseDay(latest?.datetime) ?? parseDay(latest?.datetime_max) ?? parseDay(t.expected_delivery) ??
    parseDay(t.courier_estimated_delivery_date?.estimated_delivery_date) ??
    parseDay(t.aftership_estimated_delivery_date?.estimated_delivery_date)
}

/** Reads an AfterShip webhook body (parsed JSON) into carrier events. Throws a DomainError on a wrong shape. */
export function normalize(body: unknown): NormalizedWebhook {
  const parsed = BodySchema.safeParse(body)
  if (!parsed.success) throw shapeError('AfterShip', parsed.error.issues)
  const { msg, ts, event_id: eventId } = parsed.data
  const number = normalizeTrackingNumber(msg.tracking_number)
  const events = (msg.checkpoints ?? []).map((c, i) => toEvent(c, i, number, msg.slug ?? null))
  const id = eventId || (msg.id && ts !== null && ts !== undefined ? `${msg.id}:${ts}` : createHash('sha256').update(JSON.stringify(body)).digest('hex'))
  return { eventId: id, events: withEstimate(events, estimateOf(msg)), ...trackerOf(msg, number, ts) }
}

/** AfterShip's `tag` is its reconciled status; `updated_at` its time (else the webhook's `ts`). */
function trackerOf(msg: z.infer<typeof TrackingSchema>, number: string, ts: number | string | null | undefined): { tracker?: TrackerUpdate } {
  if (!msg.tag) return {}
  const sent = typeof ts === 'number' ? new Date(ts * 1000) : parseInstant(ts)
  const updatedAt = parseInstant(msg.updated_at) ?? (sent && !Number.isNaN(sent.getTime()) ? sent : null)
  return { tracker: { trackingNumber: number, status: mapTag(msg.tag), rawStatus: msg.tag, updatedAt, final: msg.tag === 'Delivered' } }
}
