/**
 * Taking in one X12 file (the I/O side; reading it is pure, see reader.ts): who sent it, stored
 * raw, applied batch by batch inside one transaction as it is read, answered with a 997.
 *
 * - Identity: the ISA06 sender id matches `suppliers.edi_id` (also written `ZZ:ID` with its
 *   ISA05 qualifier); `--supplier` is the fallback for an unknown sender, and must agree with
 *   a known one.
 * - Replays: the dedupe key is `<ISA06>:<ISA13>` (joined with "+" for several interchanges), so
 *   the same interchange sent again, even re-wrapped or re-indented, is a duplicate.
 * - 997s: stored with the message; for a refused file too (once its envelope could be read).
 */
import type { Db, Queryable } from '../../store/db.ts'
import { ingestMessage, type IngestOutcome } from '../../store/inbound.ts'
import { DomainError } from '../../domain/errors.ts'
import { applySignalsBatch, type SignalCounts } from '../apply-signals-batch.ts'
import { build997 } from './ack-997.ts'
import { applyOfferUpdates, describeOfferTotals, emptyOfferTotals } from './apply-offers.ts'
import type { InterchangeResult } from './envelope.ts'
import { X12Reader } from './reader.ts'
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

/** Refuses a file whose sender and `--supplier` cannot be reconciled (checked before any of it is read). */
async function checkIdentity(tx: Queryable, heads: InterchangeHeader[], known: string | null, given: string | null): Promise<string> {
  const senders = [...new Set(heads.map((h) => h.senderId))]
  if (senders.length > 1) throw new DomainError('FEED_X12_SENDER', `the file holds interchanges from several senders (ISA06 ${senders.join(', ')}); send one sender per file`)
  const sender = `ISA06 "${senders[0]}" (qualifier ${heads[0].senderQualifier})`
  if (known && given && known !== given) {
    throw new DomainError('FEED_X12_SENDER', `--supplier ${given} disagrees with the sender: ${sender} is supplier ${known}`)
  }
  if (known) return known
  if (!given) throw new DomainError('FEED_X12_SENDER', `unknown sender ${sender}: no supplier has this edi_id; set the supplier's edi_id or pass --supplier`)
  const rows = await tx.query('SELECT 1 FROM suppliers WHERE supplier_id = $1', [given])
  if (rows.length === 0) throw new DomainError('FEED_SUPPLIER_UNKNOWN', `unknown supplier "${given}"`)
  return given
}

function headline(reader: X12Reader, heads: InterchangeHeader[], supplierId: string, counts: SignalCounts): string {
  const sets = [...reader.setCounts].map(([id, n]) => (n === 1 ? id : `${n} × ${id}`)).join(', ')
  const interchanges = reader.log.map((ic) => ic.header.control).join(', ')
  const signals = counts.matched + counts.unmatched
  const unmatched = counts.unmatched > 0 ? ` (${counts.unmatched} matching no open PO line)` : ''
  const read = `${sets || 'no transaction sets'}; ${signals} signal${signals === 1 ? '' : 's'}${unmatched}`
  return `X12 from ${supplierId} (ISA06 ${heads[0]?.senderId ?? '?'}), interchange ${interchanges}: ${read}`
}

/** Reads and applies the whole file inside `tx`, batch by batch; returns the summary lines. */
async function applyX12(tx: Queryable, reader: X12Reader, messageId: number, supplierId: string, receivedAt: Date, heads: InterchangeHeader[]): Promise<string[]> {
  const lines: string[] = []
  const counts: SignalCounts = { matched: 0, unmatched: 0 }
  const offers = emptyOfferTotals()
  for (const batch of reader.batches(BATCH_SIZE)) {
    const applied = await applySignalsBatch(tx, messageId, supplierId, batch.signals, receivedAt, counts)
    lines.push(...applied.slice(0, Math.max(0, MAX_SUMMARY_LINES - lines.length)))
    await applyOfferUpdates(tx, supplierId, batch.offers, receivedAt, offers)
  }
  const hidden = counts.matched + counts.unmatched - lines.length
  return [
    headline(reader, heads, supplierId, counts),
    ...lines,
    ...(hidden > 0 ? [`… and ${hidden} more signals (all recorded)`] : []),
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

/**
 * Takes in one X12 file: stored raw, then read and applied in one transaction (or quarantined
 * with the reason: nothing of it applied), and answered with a 997 stored beside it.
 */
export async function ingestX12(db: Db, input: X12FeedInput): Promise<X12IngestOutcome> {
  const heads = peekInterchanges(input.body)
  const known = heads.length > 0 ? await supplierForSender(db, heads[0]) : null
  const supplierId = known ?? input.supplierId
  const state: { reader: X12Reader | null } = { reader: null }
  let acknowledgment: string | null = null
  const outcome = await ingestMessage(
    db,
    {
      kind: 'x12', source: input.source, supplierId, filename: input.filename, body: input.body, receivedAt: input.receivedAt,
      dedupeKey: heads.length > 0 ? heads.map((h) => `${h.senderId}:${h.control}`).join('+') : null,
    },
    async (tx, messageId) => {
      const reader = new X12Reader(input.body)
      if (heads.length === 0) {
        // No readable ISA: the reader's own refusal (not X12, a corrupt header) is the reason to give.
        for (const batch of reader.batches()) void batch
        throw new DomainError('FEED_X12_INVALID', 'no X12 interchange header could be read')
      }
      const supplier = await checkIdentity(tx, heads, known, input.supplierId)
      state.reader = reader
      const lines = await applyX12(tx, reader, messageId, supplier, input.receivedAt, heads)
      acknowledgment = await storeAcknowledgments(tx, messageId, supplier, reader.log, input.receivedAt, false)
      return lines
    },
  )
  if (outcome.outcome === 'quarantined' && state.reader && state.reader.log.length > 0) {
    acknowledgment = await storeAcknowledgments(db, outcome.messageId, supplierId, state.reader.log, input.receivedAt, true)
  }
  if (outcome.outcome === 'duplicate') acknowledgment = await acknowledgmentsFor(db, outcome.duplicateOf)
  return { ...outcome, acknowledgment }
}
