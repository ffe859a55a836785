/**
 * Applying one X12 file inside the transaction that takes it in, interchange by interchange:
 * each is applied whole or not at all (a savepoint around it), so one bad interchange is refused
 * alone and the others in the file stand. What a supplier sends changes only its own lines and
 * shipments: signals match its PO lines, 846s its offers, and a 214 it forwards moves only its
 * own shipments (a carrier's 214, with no supplier, moves any shipment by its number).
 */
import type { Queryable } from '../../store/db.ts'
import type { CarrierEvent } from '../../domain/types.ts'
import { DomainError } from '../../domain/errors.ts'
import { applySignalsBatch, type SignalCounts } from '../apply-signals-batch.ts'
import { applyCarrierEvents } from '../../carriers/carrier-events.ts'
import { applyOfferUpdates, describeOfferTotals, emptyOfferTotals, type OfferTotals } from './apply-offers.ts'
import { applyReceivedAcks, emptyAckTotals, type AckTotals } from './apply-acks.ts'
import { combine, type InterchangeResult } from './envelope.ts'
import type { X12Batch, X12Reader } from './reader.ts'
import type { InterchangeHeader } from './types.ts'

/** Items per batch: big enough that per-statement cost vanishes, small enough to stay flat in memory. */
const BATCH_SIZE = 5000
/** Lines kept in the summary; the rest are counted (all are recorded). */
const MAX_SUMMARY_LINES = 500
const SAVEPOINT = 'x12_interchange'

export interface X12Run {
  tx: Queryable
  messageId: number
  supplierId: string | null
  receivedAt: Date
  heads: InterchangeHeader[]
}

/** What was read and applied, summed over the interchanges that stood. */
interface Totals {
  signals: SignalCounts
  events: number
  /** A supplier's 214 events about parcels that are not its shipments: not applied. */
  eventsRefused: number
  offers: OfferTotals
  acks: AckTotals
  lines: string[]
  listed: number
}

const emptyTotals = (): Totals => ({ signals: { matched: 0, unmatched: 0 }, events: 0, eventsRefused: 0, offers: emptyOfferTotals(), acks: emptyAckTotals(), lines: [], listed: 0 })

function addTotals(into: Totals, t: Totals): void {
  into.signals.matched += t.signals.matched
  into.signals.unmatched += t.signals.unmatched
  into.events += t.events
  into.eventsRefused += t.eventsRefused
  into.acks.received += t.acks.received
  into.acks.unmatched += t.acks.unmatched
  const o = into.offers
  for (const k of ['items', 'matched', 'changed', 'linesMarked', 'unknown'] as const) o[k] += t.offers[k]
  o.unknownSample.push(...t.offers.unknownSample.slice(0, Math.max(0, 10 - o.unknownSample.length)))
  into.listed += t.listed
  into.lines.push(...t.lines.slice(0, Math.max(0, MAX_SUMMARY_LINES - into.lines.length)))
}

/** Unknown sender: refused as a whole file, whatever else is wrong with it (see ingest-x12.ts). */
export function unknownSender(heads: InterchangeHeader[]): DomainError {
  const h = heads[0]
  // (Several unknown senders: the first names the problem; none of them is a supplier.)
  return new DomainError('FEED_X12_SENDER', `unknown sender ISA06 "${h.senderId}" (qualifier ${h.senderQualifier}): no supplier has this edi_id; set the supplier's edi_id or pass --supplier`)
}

/**
 * The events of a supplier's 214 that are about its own shipments (every shipment with that
 * number is one of its lines); the others are listed as not applied. A carrier's are all kept.
 */
async function ownEvents(tx: Queryable, supplierId: string | null, events: CarrierEvent[]): Promise<{ kept: CarrierEvent[]; lines: string[] }> {
  if (!supplierId || events.length === 0) return { kept: events, lines: [] }
  const rows = await tx.query<{ tracking_number: string }>(
    `SELECT sh.tracking_number FROM shipments sh
       JOIN order_lines ol ON ol.order_line_id = sh.order_line_id LEFT JOIN po_lines p ON p.po_line_id = sh.po_line_id
      WHERE sh.tracking_number = ANY($1::text[])
      GROUP BY sh.tracking_number HAVING bool_and(coalesce(p.supplier_id, ol.supplier_id) = $2)`,
    [[...new Set(events.map((e) => e.trackingNumber))], supplierId],
  )
  const own = new Set(rows.map((r) => r.tracking_number))
  const others = [...new Set(events.filter((e) => !own.has(e.trackingNumber)).map((e) => e.trackingNumber))]
  const lines = others.map((n) => `${n}: not a shipment of ${supplierId}; not applied (a supplier's 214 moves only its own shipments)`)
  return { kept: events.filter((e) => own.has(e.trackingNumber)), lines }
}

/** One batch: supplier signals and offers (which need the supplier), carrier events, acknowledgments. */
async function applyBatch(run: X12Run, batch: X12Batch, t: Totals): Promise<string[]> {
  const { tx, messageId, supplierId, receivedAt } = run
  if (!supplierId && (batch.signals.length > 0 || batch.offers.length > 0)) throw unknownSender(run.heads)
  const lines = await applySignalsBatch(tx, messageId, supplierId, batch.signals, receivedAt, t.signals)
  if (supplierId) await applyOfferUpdates(tx, supplierId, batch.offers, receivedAt, t.offers)
  const events = await ownEvents(tx, supplierId, batch.events)
  if (events.kept.length > 0) lines.push(...(await applyCarrierEvents(tx, messageId, events.kept, 'x12')))
  lines.push(...events.lines)
  t.events += events.kept.length
  t.eventsRefused += batch.events.length - events.kept.length
  lines.push(...(await applyReceivedAcks(tx, messageId, supplierId, batch.acks, receivedAt, t.acks)))
  return lines
}

function headline(reader: X12Reader, run: X12Run, t: Totals): string {
  const sets = [...reader.setCounts].map(([id, n]) => (n === 1 ? id : `${n} × ${id}`)).join(', ')
  const interchanges = reader.log.map((ic) => ic.header.control).join(', ')
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const { matched, unmatched } = t.signals
  const signals = matched + unmatched
  const unmatchedText = unmatched > 0 ? ` (${unmatched} matching no open PO line)` : ''
  // A carrier's file (only 214s) or a 997 has no signals to count; a supplier's keeps its familiar headline.
  const parts = [sets || 'no transaction sets']
  if (signals > 0 || (t.events + t.eventsRefused === 0 && t.acks.received === 0)) parts.push(`${plural(signals, 'signal')}${unmatchedText}`)
  if (t.events > 0) parts.push(plural(t.events, 'carrier event'))
  if (t.eventsRefused > 0) parts.push(`${plural(t.eventsRefused, 'carrier event')} not applied (not shipments of ${run.supplierId})`)
  if (t.acks.received > 0) {
    parts.push(`${plural(t.acks.received, 'acknowledgment')} of wismo's documents${t.acks.unmatched > 0 ? ` (${t.acks.unmatched} matching nothing wismo sent)` : ''}`)
  }
  // Without a supplier the file is a carrier's 214s, or acknowledgments from a sender wismo does not know.
  const from = run.supplierId ?? (t.acks.received > 0 && t.events + t.eventsRefused === 0 ? 'an unknown sender' : 'a carrier')
  return `X12 from ${from} (ISA06 ${run.heads[0]?.senderId ?? '?'}), interchange ${interchanges}: ${parts.join('; ')}`
}

/** Why an interchange was refused, in one line. */
function reasonOf(ic: InterchangeResult, failure: DomainError | null): string | null {
  const err = ic.errors.length > 0 ? combine(ic.errors) : failure
  return err ? [err.message, ...err.details].join('; ') : null
}

/**
 * Reads and applies the whole file inside `run.tx`, interchange by interchange. Returns the
 * summary lines and the interchanges refused (undone), with their reasons; throws the
 * file's reason when nothing of it stood.
 */
export async function applyX12(run: X12Run, reader: X12Reader): Promise<{ lines: string[]; refused: Map<InterchangeResult, string> }> {
  const total = emptyTotals()
  const refused = new Map<InterchangeResult, string>()
  let current = emptyTotals()
  let failure: DomainError | null = null
  let firstFailure: DomainError | null = null
  await run.tx.query(`SAVEPOINT ${SAVEPOINT}`)
  for (const step of reader.steps(BATCH_SIZE)) {
    if (step.kind === 'batch') {
      if (failure) continue
      const applied = await applyBatch(run, step.batch, current).catch((err: unknown) => {
        // A refused sender refuses the file; anything else refused refuses this interchange.
        if (!(err instanceof DomainError) || err.code === 'FEED_X12_SENDER') throw err
        failure = err
        firstFailure ??= err
        return []
      })
      current.listed += applied.length
      current.lines.push(...applied.slice(0, Math.max(0, MAX_SUMMARY_LINES - current.lines.length)))
      continue
    }
    const reason = reasonOf(step.interchange, failure)
    if (reason) {
      await run.tx.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`)
      refused.set(step.interchange, reason)
    } else addTotals(total, current)
    await run.tx.query(`RELEASE SAVEPOINT ${SAVEPOINT}`)
    await run.tx.query(`SAVEPOINT ${SAVEPOINT}`)
    current = emptyTotals()
    failure = null
  }
  await run.tx.query(`RELEASE SAVEPOINT ${SAVEPOINT}`)
  if (reader.log.length === refused.size) {
    // Nothing stood: the file is refused with every problem found (as one reason).
    if (reader.errors.length > 0) throw combine([...reader.errors])
    throw firstFailure ?? new DomainError('FEED_X12_INVALID', 'no X12 interchange could be read')
  }
  return { lines: summarize(reader, run, total, refused), refused }
}

function summarize(reader: X12Reader, run: X12Run, t: Totals, refused: Map<InterchangeResult, string>): string[] {
  const hidden = t.listed - t.lines.length
  const signals = t.signals.matched + t.signals.unmatched
  const what = t.events === 0 ? 'signals' : signals === 0 ? 'carrier events' : 'signals and carrier events'
  const tail = reader.fileErrors.map((e) => `the rest of the file was not read: ${e.message}`)
  return [
    headline(reader, run, t),
    ...t.lines,
    ...(hidden > 0 ? [`… and ${hidden} more ${what} (all recorded)`] : []),
    ...(t.offers.items > 0 ? [describeOfferTotals(t.offers)] : []),
    ...[...refused].map(([ic, reason]) => `interchange ${ic.header.control} refused: ${reason}`),
    ...tail,
  ]
}
