/**
 * Taking in one X12 file (the I/O side; reading it is pure, see reader.ts): who sent it, stored
 * raw, applied interchange by interchange inside one transaction as it is read (apply-x12.ts),
 * answered with a 997 per interchange.
 *
 * - Identity: the ISA06 sender id matches `suppliers.edi_id` (also written `ZZ:ID` with its
 *   ISA05 qualifier). The supplier who delivers it (`--supplier`, or the supplier key of the HTTP
 *   route) owns an unknown sender's file; a file whose sender is another supplier's is refused.
 *   A carrier's 214 needs no supplier (its events match shipments by number): an unknown sender
 *   is refused only once the file turns out to hold supplier data. A 997/999 needs none either:
 *   without a supplier it matches nothing (it only answers documents wismo sent that supplier).
 * - Replays: a file that says the same (its segments, whatever the separators and layout) as
 *   one already applied for the same supplier is a duplicate, answered with the original's 997s.
 *   The same ISA13 with other content is new content: applied, and the summary says so.
 * - 997s: stored with the message, one per interchange with a group to acknowledge (never for
 *   997/999 groups): accepting, or rejecting with the reason for an interchange refused.
 */
import type { Db, Queryable } from '../../store/db.ts'
import { ingestMessage, sha256, type IngestOutcome } from '../../store/inbound.ts'
import { DomainError } from '../../domain/errors.ts'
import { acknowledges, build997 } from './ack-997.ts'
import { applyX12, unknownSender } from './apply-x12.ts'
import { noteUnmatchedLines } from '../unmatched-lines.ts'
import type { InterchangeResult } from './envelope.ts'
import { contentHash } from './normalize.ts'
import { X12Reader } from './reader.ts'
import { peekInterchanges } from './segments.ts'
import type { InterchangeHeader } from './types.ts'

export interface X12FeedInput {
  body: Buffer
  filename: string | null
  /** `--supplier` or the supplier key: who delivered it (and so whose lines it may change). */
  supplierId: string | null
  source: string
  receivedAt: Date
}

/** An ingest outcome plus the 997 that answers it (null when there is none to send). */
export type X12IngestOutcome = IngestOutcome & { acknowledgment: string | null }

/** Sets that need no supplier: a carrier's shipment status, acknowledgments. */
const NO_SUPPLIER_SETS = new Set(['214', '997', '999'])

async function supplierForSender(db: Queryable, head: InterchangeHeader): Promise<string | null> {
  const rows = await db.query<{ supplier_id: string }>(
    `SELECT supplier_id FROM suppliers
      WHERE upper(btrim(edi_id)) IN (upper($1), upper($2))
      ORDER BY (btrim(edi_id) = $1) DESC, supplier_id LIMIT 1`,
    [head.senderId, `${head.senderQualifier}:${head.senderId}`],
  )
  return rows[0]?.supplier_id ?? null
}

const senderName = (h: InterchangeHeader) => `ISA06 "${h.senderId}" (qualifier ${h.senderQualifier})`

/** The suppliers the file's senders are, by sender (unknown senders are left out). */
interface KnownSenders {
  /** The supplier the known senders are (the first, when they disagree). */
  supplierId: string | null
  found: { head: InterchangeHeader; supplierId: string }[]
}

async function knownSenders(q: Queryable, heads: InterchangeHeader[]): Promise<KnownSenders> {
  const found: KnownSenders['found'] = []
  const seen = new Set<string>()
  for (const head of heads) {
    if (seen.has(head.senderId)) continue
    seen.add(head.senderId)
    const supplierId = await supplierForSender(q, head)
    if (supplierId) found.push({ head, supplierId })
  }
  return { supplierId: found[0]?.supplierId ?? null, found }
}

/**
 * Refuses a file whose senders and the supplier delivering it cannot be reconciled (checked
 * before any of it is read). Several interchanges may come from several sender ids (a VAN
 * batching, public samples joined) as long as the known ones are all the same supplier; an
 * unknown sender id is taken as the supplier's. Null: unknown senders without a supplier —
 * fine for a 214 or 997.
 */
async function checkIdentity(tx: Queryable, known: KnownSenders, input: X12FeedInput): Promise<string | null> {
  const given = input.supplierId
  const suppliers = [...new Set(known.found.map((k) => k.supplierId))]
  if (suppliers.length > 1) {
    const who = known.found.map((k) => `${senderName(k.head)} is supplier ${k.supplierId}`).join(', ')
    throw new DomainError('FEED_X12_SENDER', `the file holds interchanges of several suppliers (${who}); send each supplier's in its own file`)
  }
  const other = known.found.find((k) => given && k.supplierId !== given)
  if (other) {
    // A supplier sends only its own interchanges: another supplier's sender id is not its to use.
    const who = input.source === 'api' ? `the supplier key of ${given}` : `--supplier ${given}`
    throw new DomainError('FEED_X12_SENDER', `${who} disagrees with the sender: ${senderName(other.head)} is supplier ${other.supplierId}`)
  }
  if (known.supplierId) return known.supplierId
  if (!given) return null
  const rows = await tx.query('SELECT 1 FROM suppliers WHERE supplier_id = $1', [given])
  if (rows.length === 0) throw new DomainError('FEED_SUPPLIER_UNKNOWN', `unknown supplier "${given}"`)
  return given
}

/** Groups that need no supplier: carrier shipment status (QM), acknowledgments (FA). */
const NO_SUPPLIER_GROUPS = new Set(['QM', 'FA'])

/** True when the file holds sets (or groups) only a known supplier may send: anything but 214s and 997/999s. */
function holdsSupplierSets(reader: X12Reader): boolean {
  if ([...reader.setCounts.keys()].some((id) => !NO_SUPPLIER_SETS.has(id))) return true
  return reader.log.some((ic) => ic.groups.some((g) => !NO_SUPPLIER_GROUPS.has(g.header.functionalId)))
}

/** The interchanges of this file whose control number an earlier applied file of the same supplier used, with other content. */
async function reusedControls(tx: Queryable, messageId: number, supplierId: string | null, heads: InterchangeHeader[]): Promise<string[]> {
  const keys = heads.map((h) => `${h.senderId}:${h.control}`)
  const rows = await tx.query<{ message_id: number; keys: string[] }>(
    `SELECT message_id, string_to_array(dedupe_key, '+') AS keys FROM inbound_messages
      WHERE kind = 'x12' AND status = 'applied' AND message_id <> $1 AND supplier_id IS NOT DISTINCT FROM $2
        AND string_to_array(dedupe_key, '+') && $3::text[]
      ORDER BY message_id`,
    [messageId, supplierId, keys],
  )
  return heads.flatMap((h, i) => {
    const before = rows.find((r) => r.keys.includes(keys[i]))
    return before ? [`interchange ${h.control} reuses the control number of message ${before.message_id} with other content: applied as new`] : []
  })
}

/** Builds and stores the 997 of each interchange read; returns them as one text (null: none). */
async function storeAcknowledgments(
  q: Queryable, messageId: number, supplierId: string | null, log: InterchangeResult[], now: Date, refused: (ic: InterchangeResult) => boolean,
): Promise<string | null> {
  const bodies: string[] = []
  for (const ic of log) {
    if (!acknowledges(ic)) continue
    // The row's id is the 997's own control number: unique, and known before the body is written.
    const [{ id }] = await q.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('acknowledgments', 'ack_id'))::bigint AS id`)
    const body = build997(ic, { control: id, now, rejected: refused(ic) })!
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

/** What one application of a file leaves for its 997: the reader (null: no 997 for a refused sender) and the stored 997s. */
interface X12Outcome {
  reader: X12Reader | null
  acknowledgment: string | null
}

/** A refused sender gets no 997 (wismo does not answer a party it cannot identify). */
function refuseSender(out: X12Outcome, err: unknown): never {
  if (err instanceof DomainError && err.code === 'FEED_X12_SENDER') out.reader = null
  throw err
}

/** The apply step of one X12 file (re-runnable: a retried transaction starts it over). */
function x12Apply(input: X12FeedInput, heads: InterchangeHeader[], known: KnownSenders, out: X12Outcome) {
  return async (tx: Queryable, messageId: number): Promise<string[]> => {
    out.reader = null
    out.acknowledgment = null
    const reader = new X12Reader(input.body)
    if (heads.length === 0) {
      // No readable ISA: the reader's own refusal (not X12, a corrupt header) is the reason to give.
      for (const batch of reader.batches()) void batch
      throw new DomainError('FEED_X12_INVALID', 'no X12 interchange header could be read')
    }
    const supplierId = await checkIdentity(tx, known, input).catch((err: unknown) => refuseSender(out, err))
    out.reader = reader
    const run = { tx, messageId, supplierId, receivedAt: input.receivedAt, heads }
    const { lines, refused } = await applyX12(run, reader).catch((err: unknown) =>
      // An unknown sender's file with supplier data is refused as such, whatever else is wrong with it.
      refuseSender(out, !supplierId && err instanceof DomainError && holdsSupplierSets(reader) ? unknownSender(heads) : err))
    if (!supplierId && holdsSupplierSets(reader)) refuseSender(out, unknownSender(heads))
    lines.splice(1, 0, ...(await reusedControls(tx, messageId, supplierId, heads)))
    // Issue 15 item 26: lines that matched no open PO line are counted in the outcome, with a rep task.
    if (supplierId) await noteUnmatchedLines(tx, messageId, supplierId, input.filename, input.receivedAt)
    out.acknowledgment = await storeAcknowledgments(tx, messageId, supplierId, reader.log, input.receivedAt, (ic) => refused.has(ic))
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
    return x12Apply(input, heads, await knownSenders(tx, heads), { reader: null, acknowledgment: null })(tx, messageId)
  }
}

/**
 * Takes in one X12 file: stored raw, then read and applied in one transaction, interchange by
 * interchange (or quarantined with the reason when none stood: nothing of it applied), and
 * answered with the 997s stored beside it.
 */
export async function ingestX12(db: Db, input: X12FeedInput): Promise<X12IngestOutcome> {
  const heads = peekInterchanges(input.body)
  const known = await knownSenders(db, heads)
  // Stored as the supplier who delivered it: a file refused for carrying another's sender is not word from that other.
  const supplierId = input.supplierId ?? known.supplierId
  const out: X12Outcome = { reader: null, acknowledgment: null }
  const outcome = await ingestMessage(
    db,
    {
      kind: 'x12', source: input.source, supplierId, filename: input.filename, body: input.body, receivedAt: input.receivedAt,
      dedupeKey: heads.length > 0 ? heads.map((h) => `${h.senderId}:${h.control}`).join('+') : null,
      contentKey: contentHash(input.body) ?? `bytes:${sha256(input.body)}`,
    },
    x12Apply(input, heads, known, out),
  )
  let acknowledgment = outcome.outcome === 'applied' ? out.acknowledgment : null
  if (outcome.outcome === 'quarantined' && out.reader && out.reader.log.length > 0) {
    acknowledgment = await storeAcknowledgments(db, outcome.messageId, supplierId, out.reader.log, input.receivedAt, () => true)
  }
  if (outcome.outcome === 'duplicate') acknowledgment = await acknowledgmentsFor(db, outcome.duplicateOf)
  return { ...outcome, acknowledgment }
}
