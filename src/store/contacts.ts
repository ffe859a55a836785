import type { Queryable } from './db.ts'

export const CONTACT_CHANNELS = ['page', 'api', 'voice', 'sms', 'helpdesk'] as const
export type ContactChannel = (typeof CONTACT_CHANNELS)[number]
export type ContactOutcome = 'deflected' | 'rep_task'

export interface ContactInput {
  channel: ContactChannel
  orderId: number | null
  /** `deflected`: answered without a person; `rep_task`: handed to a rep. */
  outcome: ContactOutcome
  now: Date
}

/** Records one "where is my order" contact (the dashboard's deflection chart counts these). */
export async function recordContact(db: Queryable, c: ContactInput): Promise<void> {
  await db.query(`INSERT INTO contacts (channel, order_id, outcome, at) VALUES ($1, $2, $3, $4)`, [c.channel, c.orderId, c.outcome, c.now])
}

/** Contacts noted but not yet written, per database. */
const logs = new WeakMap<Queryable, { pending: ContactInput[]; timer: NodeJS.Timeout | null; writing: Promise<void> }>()
const FLUSH_AT = 200
const FLUSH_AFTER_MS = 250

/**
 * Notes a lookup answered without a person, for the dashboard, without a write on the customer's
 * path: contacts are written together, at most a quarter-second later (one INSERT for every
 * lookup in that time). A process that dies loses at most that quarter-second of counts — a
 * chart's, never a customer's answer. `flushContacts` writes them now (on close, in tests).
 */
export function noteContact(db: Queryable, c: ContactInput): void {
  let log = logs.get(db)
  if (!log) logs.set(db, (log = { pending: [], timer: null, writing: Promise.resolve() }))
  log.pending.push(c)
  if (log.pending.length >= FLUSH_AT) void flushContacts(db)
  else if (!log.timer) {
    log.timer = setTimeout(() => void flushContacts(db), FLUSH_AFTER_MS)
    log.timer.unref()
  }
}

/** Writes every noted contact now (one statement); resolves when they are stored. */
export async function flushContacts(db: Queryable): Promise<void> {
  const log = logs.get(db)
  if (!log) return
  if (log.timer) clearTimeout(log.timer)
  log.timer = null
  const batch = log.pending
  log.pending = []
  if (batch.length > 0) {
    log.writing = log.writing.then(() => db.query(
      `INSERT INTO contacts (channel, order_id, outcome, at)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[])`,
      [batch.map((c) => c.channel), batch.map((c) => c.orderId), batch.map((c) => c.outcome), batch.map((c) => c.now)],
    ).then(() => undefined, () => undefined)) // a lost batch of counts must not fail anyone's lookup
  }
  await log.writing
}
