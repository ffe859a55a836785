import { z } from 'zod'
import { findNul } from '../domain/nul.ts'
import { DomainError } from '../domain/errors.ts'
import { CARRIER_STATUSES, type CarrierEvent } from '../domain/types.ts'
import type { Queryable } from '../store/db.ts'
import { markLinesDirty } from '../store/dirty-lines.ts'

const instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 date-time')
  .transform((s) => new Date(s))
const day = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s.slice(0, 10))), 'must be a date YYYY-MM-DD')
  .transform((s) => s.slice(0, 10))

/** DESIGN.md's normalized carrier event. */
export const CarrierEventSchema = z.object({
  tracking_number: z.string().trim().min(1, 'required').transform((s) => s.replace(/\s+/g, '').toUpperCase()),
  carrier: z.string().trim().min(1).nullish(),
  status: z.enum(CARRIER_STATUSES, { error: `must be one of ${CARRIER_STATUSES.join(', ')}` }),
  occurred_at: instant,
  location: z.string().nullish(),
  message: z.string().nullish(),
  estimated_delivery: day.nullish(),
  event_id: z.string().nullish(),
})

/**
 * Parses a JSON array or NDJSON of carrier events; any bad event refuses the whole file with
 * `event N: field: problem` (NDJSON: `line N: …`).
 */
export function parseCarrierEvents(text: string): CarrierEvent[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim()
  let items: { where: string; value: unknown }[]
  if (trimmed.startsWith('[')) {
    let array: unknown
    try {
      array = JSON.parse(trimmed)
    } catch (err) {
      throw new DomainError('CARRIER_JSON_INVALID', `not valid JSON: ${(err as Error).message}`)
    }
    items = (array as unknown[]).map((value, i) => ({ where: `event ${i + 1}`, value }))
  } else {
    items = []
    const problems: string[] = []
    trimmed.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return
      try {
        items.push({ where: `line ${i + 1}`, value: JSON.parse(line) })
      } catch {
        problems.push(`line ${i + 1}: not valid JSON`)
      }
    })
    if (problems.length > 0) throw new DomainError('CARRIER_JSON_INVALID', 'the events cannot be read', { details: problems })
  }
  if (items.length === 0) throw new DomainError('CARRIER_JSON_INVALID', 'no events in the file')
  const nul = items.map((it) => findNul(it.value, it.where)).find((x) => x !== null)
  if (nul) throw new DomainError('CARRIER_JSON_INVALID', `${nul} holds a NUL character (\\u0000), which is never valid input`)
  const problems: string[] = []
  const events: CarrierEvent[] = []
  for (const { where, value } of items) {
    const r = CarrierEventSchema.safeParse(value)
    if (!r.success) {
      for (const issue of r.error.issues) problems.push(`${where}: ${issue.path.join('.') || 'event'}: ${issue.message}`)
      continue
    }
    events.push({
      trackingNumber: r.data.tracking_number,
      carrier: r.data.carrier ?? null,
      status: r.data.status,
      occurredAt: r.data.occurred_at,
      location: r.data.location ?? null,
      message: r.data.message ?? null,
      estimatedDelivery: r.data.estimated_delivery ?? null,
    })
  }
  if (problems.length > 0) throw new DomainError('CARRIER_EVENT_INVALID', `${problems.length} bad event${problems.length > 1 ? 's' : ''}`, { details: problems })
  return events
}

/**
 * Stores carrier events (a replayed event is ignored by its natural key) and marks the lines
 * shipped under those numbers for the next sweep. Events for numbers not shipped yet are kept:
 * the shipment notice may come later. Three statements whatever the number of events: a webhook
 * carries a parcel's whole history, and a round trip per event was most of its cost.
 */
export async function applyCarrierEvents(
  tx: Queryable,
  messageId: number,
  events: CarrierEvent[],
  provider: string | null = null,
): Promise<string[]> {
  if (events.length === 0) return []
  const inserted = await tx.query<{ tracking_number: string; status: string; occurred_at: Date }>(
    `INSERT INTO carrier_events (tracking_number, carrier, status, occurred_at, location, message, estimated_delivery, provider, message_id)
     SELECT e.tn, e.carrier, e.status, e.at, e.loc, e.msg, e.est, $8, $9
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::date[])
         AS e(tn, carrier, status, at, loc, msg, est)
     ORDER BY e.tn, e.status, e.at -- one order for the unique index's locks, whatever order a message lists them
     ON CONFLICT (tracking_number, status, occurred_at) DO NOTHING
     RETURNING tracking_number, status, occurred_at`,
    [
      events.map((e) => e.trackingNumber), events.map((e) => e.carrier), events.map((e) => e.status), events.map((e) => e.occurredAt),
      events.map((e) => e.location), events.map((e) => e.message), events.map((e) => e.estimatedDelivery), provider, messageId,
    ],
  )
  // Only numbers with news move their lines (and so their orders' versions) on.
  const numbers = [...new Set(inserted.map((r) => r.tracking_number))]
  const shipped = numbers.length === 0 ? [] : await tx.query<{ tracking_number: string; order_line_id: number }>(
    'SELECT DISTINCT tracking_number, order_line_id FROM shipments WHERE tracking_number = ANY($1::text[])',
    [numbers],
  )
  const marked = new Set(await markLinesDirty(tx, shipped.map((r) => r.order_line_id)))
  const touched = countBy(shipped.filter((r) => marked.has(r.order_line_id)).map((r) => r.tracking_number))
  const isNew = new Set(inserted.map((r) => `${r.tracking_number}|${r.status}|${r.occurred_at.toISOString()}`))
  const lines = touched
  return events.map((e) => {
    const what = `${e.trackingNumber}: ${e.status} at ${e.occurredAt.toISOString()}`
    const n = lines.get(e.trackingNumber) ?? 0
    const key = `${e.trackingNumber}|${e.status}|${e.occurredAt.toISOString()}`
    if (!isNew.delete(key)) return `${what} — already known` // a second copy in one message is known too
    return n === 0 ? `${what} — no shipment with this number yet; kept` : `${what} — ${n} line${n > 1 ? 's' : ''}`
  })
}

function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1)
  return counts
}
