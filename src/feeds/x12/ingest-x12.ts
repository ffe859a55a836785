/**
 * Taking in one X12 file (the I/O side; reading it is pure, see reader.ts): who sent it, stored
 * raw, applied batch by batch inside one transaction as it is read, answered with a 997.
 *
 * - Identity: the ISA06 sender id matches `suppliers.edi_id` (also written `ZZ:ID` with its
 *   ISA05 qualifier); `--supplier` is the fallback for an unknown sender, and must agree with
 *   a known one. A carrier's 214 needs no supplier (its events match shipments by number): an
 *   unknown sender is refused only once the file turns out to hold supplier data.
 * - Replays: the dedupe key is `<ISA06>:<ISA13>` (joined with "+" for several interchanges), so
 *   the same interchange sent again, even re-wrapped or re-indented, is a duplicate.
 * - 997s: stored with the message; for a refused file too (once its envelope could be read).
 */
import type { Db, Queryable } from '../../store/db.ts'
import { ingestMessage, type IngestOutcome } from '../../store/inbound.ts'
import { DomainError } from '../../domain/errors.ts'
import { applySignalsBatch, type SignalCounts } from '../apply-signals-batch.ts'
import { noteUnmatchedLines } from '../unmatched-lines.ts'
import { applyCarrierEvents } from '../../carriers/carrier-events.ts'
import { build997 } from './ack-997.ts'
import { applyOfferUpdates, describeOfferTotals, emptyOfferTotals, type OfferTotals } from './apply-offers.ts'
import type { InterchangeResult } from './envelope.ts'
import { X12Reader, type X12Batch } from './reader.ts'
import { peekInterchanges } from './segments.ts'
import type { InterchangeHeader } from './types.ts'

export interface X12FeedInput {
  body: Buffer
  filename: string | null
  /** `--supplier`: who sent it when the ISA sender is not a known supplier. */
  supplierId: string | null
  source: string
  receivedAt: Date
}

/** An ingest outcome plus the 997 that answers it (null when there is none to send). */
export type X12IngestOutcome = IngestOutcome & { acknowledgment: string | null }

/** Items per batch: big enough that per-statement cost vanishes, small enough to stay flat in memory. */
const BATCH_SIZE = 5000
/** Signal lines kept in the summary; the rest are counted (all are in supplier_signals). */
const MAX_SUMMARY_LINES = 500

async function supplierForSender(db: Queryable, head: InterchangeHeader): Promise<string | null> {
  const rows = await db.query<{ supplier_id: string }>(
    `SELECT supplier_id FROM suppliers
      WHERE upper(btrim(edi_id)) IN (upper($1), upper($2))
      ORDER BY (btrim(edi_id) = $1) DESC, supplier_id LIMIT 1`,
    [head.senderId, `${head.senderQualifier}:${head.senderId}`],
  )
  return rows[0]?.supplier_id ?? null
}

const senderName = (heads: InterchangeHeader[]) => `ISA06 "${heads[0].senderId}" (qualifier ${heads[0].senderQualifier})`

/** Refused when an unknown sender's file turns out to hold supplier data (a 214 alone needs no supplier). */
function unknownSender(heads: InterchangeHeader[]): DomainError {
  return new DomainError('FEED_X12_SENDER', `unknown sender ${senderName(heads)}: no supplier has this edi_id; set the supplier's edi_id or pass --supplier`)
}

/**
 * Refuses a file whose sender and `--supplier` cannot be reconciled (checked before any of it is
 * read). Null: an unknown sender without `--supplier` — fine for a carrier's 214, see `applyX12`.
 */
async function checkIdentity(tx: Queryable, heads: InterchangeHeader[], known: string | null, given: string | null): Promise<string | null> {
  const senders = [...new Set(heads.map((h) => h.senderId))]
  if (senders.length > 1) throw new DomainError('FEED_X12_SENDER', `the file holds interchanges from several senders (ISA06 ${senders.join(', ')}); send one sender per file`)
  if (known && given && known !== given) {
    throw new DomainError('FEED_X12_SENDER', `--supplier ${given} disagrees with the sender: ${senderName(heads)} is supplier ${known}`)
  }
  if (known) return known
  if (!given) return null
  const rows = await tx.query('SELECT 1 FROM suppliers WHERE supplier_id = $1', [given])
  if (rows.length === 0) throw new DomainError('FEED_SUPPLIER_UNKNOWN', `unknown supplier "${given}"`)
  return given
}

/**
 * An unknown sender's file that is not only 214s is refused as from an unknown sender, whatever
 * else is wrong with it: wismo does not answer (997) a supplier it cannot identify.
 */
function senderFirst(err: unknown, reader: X12Reader, heads: InterchangeHeader[]): unknown {
  const supplierSets = [...reader.setCounts.keys()].some((id) => id !== '214')
  return err instanceof DomainError && supplierSets ? unknownSender(heads) : err
}

/** What was read and applied so far, across batches. */
interface Totals {
  signals: SignalCounts
  events: number
}

function headline(reader: X12Reader, heads: InterchangeHeader[], supplierId: string | null, totals: Totals): string {
  const sets = [...reader.setCounts].map(([id, n]) => (n === 1 ? id : `${n} × ${id}`)).join(', ')
  const interchanges = reader.log.map((ic) => ic.header.control).join(', ')
  const { matched, unmatched } = totals.signals
  const signals = matched + unmatched
  const unmatchedText = unmatched > 0 ? ` (${unmatched} matching no open PO line)` : ''
  // A carrier's file (only 214s) has no signals to count; a supplier's keeps its familiar headline.
  const signalText = signals > 0 || totals.events === 0 ? `; ${signals} signal${signals === 1 ? '' : 's'}${unmatchedText}` : ''
  const eventText = totals.events > 0 ? `; ${totals.events} carrier event${totals.events === 1 ? '' : 's'}` : ''
  const read = `${sets || 'no transaction sets'}${signalText}${eventText}`
  return `X12 from ${supplierId ?? 'a carrier'} (ISA06 ${heads[0]?.senderId ?? '?'}), interchange ${interchanges}: ${read}`
}

/** One batch: supplier signals and offers (which need the supplier), carrier events (which do not). */
async function applyBatch(
  tx: Queryable, batch: X12Batch, messageId: number, supplierId: string | null, receivedAt: Date, heads: InterchangeHeader[], totals: Totals, offers: OfferTotals,
): Promise<string[]> {
  if (!supplierId && (batch.signals.length > 0 || batch.offers.length > 0)) throw unknownSender(heads)
  const lines = await applySignalsBatch(tx, messageId, supplierId, batch.signals, receivedAt, totals.signals)
  if (supplierId) await applyOfferUpdates(tx, supplierId, batch.offers, receivedAt, offers)
  if (batch.events.length > 0) lines.push(...(await applyCarrierEvents(tx, messageId, batch.events, 'x12')))
  totals.events += batch.events.length
  return lines
}

/** Reads and applies the whole file inside `tx`, batch by batch; returns the summary lines. */
async function applyX12(tx: Queryable, reader: X12Reader, messageId: number, supplierId: string | null, receivedAt: Date, heads: InterchangeHeader[]): Promise<string[]> {
  const lines: string[] = []
  const totals: Totals = { signals: { matched: 0, unmatched: 0 }, events: 0 }
  const offers = emptyOfferTotals()
  let listed = 0
  for (const batch of reader.batches(BATCH_SIZE)) {
    const applied = await applyBatch(tx, batch, messageId, supplierId, receivedAt, heads, totals, offers)
    listed += applied.length
    lines.push(...applied.slice(0, Math.max(0, MAX_SUMMARY_LINES - lines.length)))
  }
  const hidden = listed - lines.length
  const signals = totals.signals.matched + totals.signals.unmatched
  const what = totals.events === 0 ? 'signals' : signals === 0 ? 'carrier events' : 'signals and carrier events'
  return [
    headline(reader, heads, supplierId, totals),
    ...lines,
    ...(hidden > 0 ? [`… and ${hidden} more ${what} (all recorded)`] : []),
    ...(offers.items > 0 ? [describeOfferTotals(offers)] : []),
  ]
}

/** Builds and stores the 997 of each interchange read; returns them as one text (null: none). */
async function storeAcknowledgments(
  q: Queryable, messageId: number, supplierId: string | null, log: InterchangeResult[], now: Date, rejected: boolean,
): Promise<string | null> {
  const bodies: string[] = []
  for (const ic of log) {
    if (ic.groups.length === 0) continue
    // The row's id is the 997's own control number: unique, and known before the body is written.
    const [{ id }] = await q.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('acknowledgments', 'ack_id'))::bigint AS id`)
    const body = build997(ic, { control: id, now, rejected })!
    await q.query(
      `INSERT INTO acknowledgments (ack_id, message_id, supplier_id, interchange_control, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, messageId, supplierId, ic.header.control, body, now],
    )
    bodies.push(body)
  }
  return bodies.length > 0 ? bodies.join('') : null
}

/** The 997s stored for a message (a replay is answered with what the original got). */
export async function acknowledgmentsFor(q: Queryable, messageId: number): Promise<string | null> {
  const rows = await q.query<{ body: string }>('SELECT body FROM acknowledgments WHERE message_id = $1 ORDER BY ack_id', [messageId])
  return rows.length > 0 ? rows.map((r) => r.body).join('') : null
}

/** What one application of a file leaves for its 997: the reader (null: no 997 for a refused sender) and the accepted 997. */
interface X12Run {
  reader: X12Reader | null
  acknowledgment: string | null
}

/** The apply step of one X12 file (re-runnable: a retried transaction starts it over). */
function x12Apply(input: X12FeedInput, heads: InterchangeHeader[], known: string | null, run: X12Run) {
  return async (tx: Queryable, messageId: number): Promise<string[]> => {
    run.reader = null
    run.acknowledgment = null
    const reader = new X12Reader(input.body)
    if (heads.length === 0) {
      // No readable ISA: the reader's own refusal (not X12, a corrupt header) is the reason to give.
      for (const batch of reader.batches()) void batch
      throw new DomainError('FEED_X12_INVALID', 'no X12 interchange header could be read')
    }
    const supplier = await checkIdentity(tx, heads, known, input.supplierId)
    run.reader = reader
    const lines = await applyX12(tx, reader, messageId, supplier, input.receivedAt, heads).catch((err: unknown) => {
      const reason = supplier ? err : senderFirst(err, reader, heads)
      // A sender refused once the file showed supplier data gets no 997, as one refused up front.
      if (reason instanceof DomainError && reason.code === 'FEED_X12_SENDER') run.reader = null
      throw reason
    })
    // Issue 15 item 26: lines that matched no open PO line are counted in the outcome, with a rep task.
    if (supplier) await noteUnmatchedLines(tx, messageId, supplier, input.filename, input.receivedAt)
    run.acknowledgment = await storeAcknowledgments(tx, messageId, supplier, reader.log, input.receivedAt, false)
    return lines
  }
}

/**
 * Finishing a stored X12 message (a sweep, after the process taking it in stopped): read and
 * applied as on arrival, with the supplier it was stored under as the `--supplier` given.
 */
export function storedX12Applier(input: X12FeedInput) {
  return async (tx: Queryable, messageId: number): Promise<string[]> => {
    const heads = peekInterchanges(input.body)
    const known = heads.length > 0 ? await supplierForSender(tx, heads[0]) : null
    return x12Apply(input, heads, known, { reader: null, acknowledgment: null })(tx, messageId)
  }
}

/**
 * Takes in one X12 file: stored raw, then read and applied in one transaction (or quarantined
 * with the reason: nothing of it applied), and answered with a 997 stored beside it.
 */
export async function ingestX12(db: Db, input: X12FeedInput): Promise<X12IngestOutcome> {
  const heads = peekInterchanges(input.body)
  const known = heads.length > 0 ? await supplierForSender(db, heads[0]) : null
  const supplierId = known ?? input.supplierId
  const run: X12Run = { reader: null, acknowledgment: null }
  const outcome = await ingestMessage(
    db,
    {
      kind: 'x12', source: input.source, supplierId, filename: input.filename, body: input.body, receivedAt: input.receivedAt,
      dedupeKey: heads.length > 0 ? heads.map((h) => `${h.senderId}:${h.control}`).join('+') : null,
    },
    x12Apply(input, heads, known, run),
  )
  let acknowledgment = outcome.outcome === 'applied' ? run.acknowledgment : null
  if (outcome.outcome === 'quarantined' && run.reader && run.reader.log.length > 0) {
    acknowledgment = await storeAcknowledgments(db, outcome.messageId, supplierId, run.reader.log, input.receivedAt, true)
  }
  if (outcome.outcome === 'duplicate') acknowledgment = await acknowledgmentsFor(db, outcome.duplicateOf)
  return { ...outcome, acknowledgment }
}
