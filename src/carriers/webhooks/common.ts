/**
 * What the three carrier webhook adapters share: reading headers, HMAC and constant-time
 * comparison, and the small conversions every provider needs (instants, locations). Pure.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { findNul } from '../../domain/nul.ts'
import { DomainError } from '../../domain/errors.ts'
import type { CarrierEvent, CarrierStatus, IsoDate } from '../../domain/types.ts'

/** Request headers as Fastify and Node hand them over (lower-case names). */
export type WebhookHeaders = IncomingHttpHeaders

/** What a provider's webhook says, in wismo's words. */
export interface NormalizedWebhook {
  /** The provider's own id for this delivery: a resend under the same id is a replay. */
  eventId: string
  events: CarrierEvent[]
  /** The aggregator's own current view of the parcel, when the body carries one. */
  tracker?: TrackerUpdate
  /** Set when the body is a valid event of a kind that carries no tracking (e.g. EasyPost batch.updated). */
  ignored?: string
}

/**
 * A tracker's current status as the aggregator reconciled it (EasyPost `status`, AfterShip
 * `tag`, Shippo `tracking_status`): it decides the parcel's state, and its `updatedAt` (not the
 * scans' times) decides whether a webhook is stale.
 */
export interface TrackerUpdate {
  trackingNumber: string
  status: CarrierStatus
  /** The provider's word, as sent (`delivered`, `Delivered`, `RETURNED`, …). */
  rawStatus: string
  /** The tracker's own updated_at; null when the body gives none (then the time it arrived). */
  updatedAt: Date | null
  /** Delivered or returned: only a later view of the same provider's tracker may change it. */
  final: boolean
}

/** One header's value (the first, when repeated), trimmed; null when absent. */
export function header(headers: WebhookHeaders, name: string): string | null {
  const v = headers[name.toLowerCase()]
  const first = Array.isArray(v) ? v[0] : v
  return first === undefined ? null : first.trim()
}

/** HMAC-SHA256 of `parts` (concatenated) keyed with `key`. */
export function hmacSha256(key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key)
  for (const p of parts) mac.update(p)
  return mac.digest()
}

/**
 * Compares two secrets in constant time. Both sides are hashed first so the comparison also
 * takes the same time whatever their lengths (timingSafeEqual refuses unequal lengths, and an
 * early "lengths differ" answer would leak the expected length).
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}

/** Parses a JSON body; unreadable JSON is refused with a reason a person can act on. */
export function readJson(raw: Buffer): unknown {
  const text = raw.toString('utf8').replace(/^\uFEFF/, '')
  if (text.trim() === '') throw new DomainError('CARRIER_WEBHOOK_INVALID', 'the body is empty (expected a JSON object)')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new DomainError('CARRIER_WEBHOOK_INVALID', `the body is not valid JSON: ${(err as Error).message}`)
  }
  const nul = findNul(value, 'the body')
  if (nul) throw new DomainError('CARRIER_WEBHOOK_INVALID', `${nul} holds a NUL character (\\u0000), which no carrier sends`)
  return value
}

/**
 * An ISO-8601 instant from a provider. Providers sometimes send a local time without an offset
 * (AfterShip checkpoints for some couriers): read as UTC, so the result never depends on the
 * server's own zone. Null when absent or unreadable.
 */
export function parseInstant(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null
  const s = value.trim().replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T')
  let iso = `${s.slice(0, 10)}T00:00:00Z`
  if (/^\d{4}-\d{2}-\d{2}T\d/.test(s)) iso = /(Z|[+-]\d{2}:?\d{2})$/i.test(s) ? s : `${s}Z`
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

/** The calendar day a provider gives as an estimate (`2014-11-27T00:00:00Z`, `2018-08-01`). */
export function parseDay(value: unknown): IsoDate | null {
  if (typeof value !== 'string') return null
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim())
  return m && !Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`)) ? m[1] : null
}

/** "CITY, ST" (plus the country when it is not the US), from whatever parts are given. */
export function formatLocation(parts: { city?: unknown; state?: unknown; country?: unknown; zip?: unknown }): string | null {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null)
  const country = text(parts.country)
  const domestic = country === null || /^(US|USA|United States)$/i.test(country)
  const pieces = [text(parts.city), text(parts.state), domestic ? null : country].filter((p): p is string => p !== null)
  if (pieces.length === 0) return text(parts.zip)
  return pieces.join(', ')
}

/** Tracking numbers as wismo stores them (the normalized carrier event's rule): no spaces, upper case. */
export function normalizeTrackingNumber(n: string): string {
  return n.replace(/\s+/g, '').toUpperCase()
}

/** The estimate goes on the latest event only: it is the carrier's current word, not history's. */
export function withEstimate<T extends { occurredAt: Date; estimatedDelivery: IsoDate | null }>(events: T[], estimate: IsoDate | null): T[] {
  if (!estimate || events.length === 0) return events
  let latest = 0
  events.forEach((e, i) => {
    if (e.occurredAt.getTime() >= events[latest].occurredAt.getTime()) latest = i
  })
  return events.map((e, i) => (i === latest ? { ...e, estimatedDelivery: estimate } : e))
}

/** Refuses a body of the wrong shape, listing what zod found (path: problem). */
export function shapeError(provider: string, issues: { path: PropertyKey[]; message: string }[]): DomainError {
  const problems = issues.slice(0, 10).map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`)
  return new DomainError('CARRIER_WEBHOOK_INVALID', `not a valid ${provider} tracking webhook: ${problems[0] ?? 'unexpected shape'}`, {
    details: problems.slice(1),
  })
}
