/**
 * Finishing what a stopped process left. A message is stored (whole, claimed) before it is
 * applied; a process killed in between leaves it `received` with nobody holding its claim. Each
 * sweep takes up such messages — never one a live process holds — and applies them as they
 * would have been on arrival: applied, or quarantined with the reason. One that keeps failing
 * is quarantined after `MAX_ATTEMPTS`, so it is shown and never retried forever in silence.
 * (A later copy of the same message may take over first: it supersedes the half-done one.)
 */
import type { Db, Queryable } from '../store/db.ts'
import { DomainError } from '../domain/errors.ts'
import { applyClaimed, markQuarantined, type InboundKind } from '../store/inbound.ts'
import { CLAIM_SPACE } from '../store/inbound-store.ts'
import { supplierCsvApply } from './ingest-file.ts'
import { storedX12Applier } from './x12/ingest-x12.ts'
import { applyCarrierEvents, parseCarrierEvents } from '../carriers/carrier-events.ts'
import { readTrackingAnswer } from '../carriers/carrier-api.ts'
import { storedWebhookApplier } from '../carriers/webhooks/stored-webhook.ts'
import { storedImportApplier } from '../store/import/import-file.ts'
import { storedPlatformPageApplier, storedPlatformWebhookApplier } from '../connect/webhook-apply.ts'

/** Taken up this often in all (the delivery included) before it is quarantined as failing. */
export const MAX_ATTEMPTS = 5

export interface StoredMessage {
  kind: InboundKind
  source: string
  supplier_id: string | null
  filename: string | null
  body: Buffer
  received_at: Date
}

type Apply = (tx: Queryable, messageId: number) => Promise<unknown>

/** How a stored message of each kind is applied (the same steps its way in takes). */
export function applierFor(m: StoredMessage, now: Date): Apply {
  const feed = { body: m.body, supplierId: m.supplier_id, receivedAt: m.received_at }
  switch (m.kind) {
    case 'supplier_csv':
      return supplierCsvApply({ ...feed, filename: m.filename })
    case 'x12':
      return storedX12Applier({ ...feed, filename: m.filename, source: m.source })
    case 'carrier_events':
      if (m.source.startsWith('poll:')) {
        const number = m.filename ?? ''
        return async (tx, id) => {
          const lines = await applyCarrierEvents(tx, id, readTrackingAnswer(m.body, number), m.source.slice('poll:'.length))
          return lines.length > 0 ? lines : [`${number}: no tracking events yet`]
        }
      }
      return (tx, id) => applyCarrierEvents(tx, id, parseCarrierEvents(m.body.toString('utf8')))
    case 'carrier_webhook':
      return storedWebhookApplier(m.source, m.body, m.received_at)
    case 'import_csv':
      return storedImportApplier(m.source, m.body, now)
    case 'platform_webhook':
      return storedPlatformWebhookApplier(m.source, m.body, now)
    case 'platform_orders':
      return storedPlatformPageApplier(m.source, m.body, now)
    case 'email':
      // Only ever stored to be kept for a rep: one a stopped poll left `received` is quarantined.
      return async () => {
        throw new DomainError('EMAIL_HELD', 'an email kept for a rep (see the rep task that names its sender)')
      }
    default:
      return async () => {
        throw new DomainError('INBOUND_KIND_UNKNOWN', `a message of kind "${String(m.kind)}" cannot be applied`)
      }
  }
}

export interface FinishResult {
  /** Half-done messages applied now. */
  finished: number
  quarantined: number
  /** Left for the next sweep (the database failed again); each is in `problems`. */
  failed: number
  problems: string[]
}

/**
 * Takes up every `received` message nobody alive holds (oldest first, at most `limit`) and
 * finishes it. Safe beside any number of other sweeps and deliveries: each message is claimed.
 */
export async function finishUnfinished(db: Db, opts: { now: Date; limit?: number; log?: (s: string) => void }): Promise<FinishResult> {
  const result: FinishResult = { finished: 0, quarantined: 0, failed: 0, problems: [] }
  const log = opts.log ?? (() => {})
  const waiting = await db.query<{ message_id: number }>(
    `SELECT message_id FROM inbound_messages WHERE status = 'received' ORDER BY message_id LIMIT $1`,
    [opts.limit ?? 100],
  )
  for (const { message_id: id } of waiting) {
    try {
      const done = await finishMessage(db, id, opts.now)
      if (done === 'applied') result.finished++
      if (done === 'quarantined') result.quarantined++
      if (done) log(`inbound message ${id}: left unfinished by a stopped process; ${done} now`)
    } catch (err) {
      result.failed++
      const problem = `message ${id}: ${(err as Error).message}`
      result.problems.push(problem)
      log(`inbound ${problem} (left for the next sweep)`)
    }
  }
  return result
}

/** Applies one stored message nobody holds (a webhook answered before it was applied; one a stopped process left). */
export async function finishMessage(db: Db, id: number, now: Date): Promise<'applied' | 'quarantined' | null> {
  return db.session(async (s) => {
    if (!(await s.tryLock(CLAIM_SPACE, id))) return null // a live process is on it
    try {
      const [m] = await s.query<StoredMessage & { attempts: number; error: string | null }>(
        `UPDATE inbound_messages SET attempts = attempts + 1, claimed_at = $2 WHERE message_id = $1 AND status = 'received'
         RETURNING kind, source, supplier_id, filename, body, received_at, attempts, error`,
        [id, now],
      )
      if (!m) return null // finished or superseded meanwhile
      if (m.attempts > MAX_ATTEMPTS) {
        const last = m.error ?? 'the process applying it stopped each time'
        await markQuarantined(s, id, `not applied after ${MAX_ATTEMPTS} attempts; last: ${last}`)
        return 'quarantined'
      }
      const outcome = await applyClaimed(s, id, applierFor(m, now), { appliedAt: now })
      return outcome.outcome === 'applied' ? 'applied' : 'quarantined'
    } finally {
      await s.unlock(CLAIM_SPACE, id)
    }
  })
}
