import path from 'node:path'
import type { Db, Queryable } from '../store/db.ts'
import { ingestMessage, type IngestOutcome } from '../store/inbound.ts'
import { DomainError } from '../domain/errors.ts'
import { parseStatusFeed } from './csv/status-feed.ts'
import { applySignalsBatch } from './apply-signals-batch.ts'
import { ingestX12 } from './x12/ingest-x12.ts'
import { applyOfferUpdates, describeOfferTotals, emptyOfferTotals } from './x12/apply-offers.ts'
import type { OfferUpdate } from './x12/types.ts'
import { noteUnmatchedLines, unmatchedCount } from './unmatched-lines.ts'
import { looksLikeXlsx } from './profiles/xlsx.ts'
import { getProfile } from './profiles/profile-store.ts'
import { readProfiled } from './profiles/read-profiled.ts'
import { readSupplierFile } from './profiles/supplier-file.ts'

export interface SupplierFeedInput {
  body: Buffer
  filename: string | null
  supplierId: string | null
  source: string
  receivedAt: Date
}

/**
 * An ingest outcome; X12 files also carry the 997 that answers them (null for CSV, or when there
 * is none). An applied feed says how many of its lines matched no open PO line of its sender.
 */
export type SupplierFeedOutcome = (
  | (Extract<IngestOutcome, { outcome: 'applied' }> & { unmatched: number })
  | Exclude<IngestOutcome, { outcome: 'applied' }>
) & { acknowledgment?: string | null }

/**
 * X12 starts with its ISA envelope (after an optional BOM and whitespace); a file whose first
 * lines hold a GS group header (`GS*PR*…`) is X12 too, even with a damaged ISA, so the reason it
 * is refused speaks of X12 rather than of missing CSV columns. Anything else is CSV.
 */
export function looksLikeX12(body: Buffer): boolean {
  const head = body.subarray(0, 400).toString('utf8')
  return /^\uFEFF?\s*ISA/.test(head) || /[~|\r\n]\s*GS([*|^~!])[A-Z]{2}\1/.test(head)
}

/** Files named as EDI are read as X12 even when they do not start with ISA, so the reason given is about X12, not CSV columns. */
function namedAsX12(filename: string | null): boolean {
  return filename !== null && /\.(edi|x12|edix)$/i.test(filename)
}

async function requireSupplier(tx: Queryable, supplierId: string | null): Promise<void> {
  if (!supplierId) return
  const rows = await tx.query('SELECT 1 FROM suppliers WHERE supplier_id = $1', [supplierId])
  if (rows.length === 0) throw new DomainError('FEED_SUPPLIER_UNKNOWN', `unknown supplier "${supplierId}"`)
}

/**
 * Takes in one supplier feed (CSV status feed or X12): stored raw, then parsed and applied in
 * one transaction, or quarantined with the reason. A replay of an applied feed is a duplicate.
 */
export async function ingestSupplierFeed(db: Db, input: SupplierFeedInput): Promise<SupplierFeedOutcome> {
  const filename = input.filename ? path.basename(input.filename) : null
  const x12 = !looksLikeXlsx(input.body, filename) && (looksLikeX12(input.body) || namedAsX12(filename))
  const outcome = x12 ? await ingestX12(db, { ...input, filename }) : await ingestCsv(db, { ...input, filename })
  if (outcome.outcome !== 'applied') return outcome
  return { ...outcome, unmatched: (await unmatchedCount(db, outcome.messageId)) ?? 0 }
}

function ingestCsv(db: Db, input: SupplierFeedInput): Promise<IngestOutcome> {
  return ingestMessage(
    db,
    {
      kind: 'supplier_csv',
      source: input.source,
      supplierId: input.supplierId,
      filename: input.filename,
      body: input.body,
      receivedAt: input.receivedAt,
    },
    supplierCsvApply(input),
  )
}

/** The apply step of a CSV status feed (also how a sweep finishes one a stopped process left). */
export function supplierCsvApply(input: Pick<SupplierFeedInput, 'body' | 'supplierId' | 'receivedAt'> & { filename?: string | null }) {
  return async (tx: Queryable, messageId: number): Promise<string[]> => {
    await requireSupplier(tx, input.supplierId)
    // A supplier with a profile, or any XLSX: its own file read into wismo's rows first.
    const profile = await getProfile(tx, input.supplierId)
    const filename = input.filename ?? null
    const file = profile || looksLikeXlsx(input.body, filename)
      ? readSupplierFile(await readProfiled(input.body, filename, profile))
      : { target: 'status' as const, signals: await parseStatusFeed(input.body) }
    if (file.target === 'offers') return applyOffersFile(tx, input.supplierId, file.updates, input.receivedAt)
    const signals = file.signals
    const summary = await applySignalsBatch(tx, messageId, input.supplierId, signals, input.receivedAt)
    // A feed sent without --supplier still counts as word from the supplier whose lines it matched.
    if (!input.supplierId) {
      await tx.query(
        `UPDATE inbound_messages SET supplier_id = (
           SELECT min(supplier_id) FROM supplier_signals WHERE message_id = $1 AND po_line_id IS NOT NULL
           HAVING count(DISTINCT supplier_id) = 1)
          WHERE message_id = $1`,
        [messageId],
      )
    }
    await noteUnmatchedLines(tx, messageId, input.supplierId, input.filename ?? null, input.receivedAt)
    return summary
  }
}

/** An offers file (through a profile): the supplier's stock and restock dates, applied as an 846's are. */
async function applyOffersFile(tx: Queryable, supplierId: string | null, updates: OfferUpdate[], receivedAt: Date): Promise<string[]> {
  if (!supplierId) throw new DomainError('FEED_SUPPLIER_UNKNOWN', 'an offers file needs its supplier (--supplier ID)')
  const totals = emptyOfferTotals()
  for (let i = 0; i < updates.length; i += 1000) await applyOfferUpdates(tx, supplierId, updates.slice(i, i + 1000), receivedAt, totals)
  return [describeOfferTotals(totals, 'offers')]
}
