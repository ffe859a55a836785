import path from 'node:path'
import type { Db, Queryable } from '../store/db.ts'
import { ingestMessage, type IngestOutcome } from '../store/inbound.ts'
import { DomainError } from '../domain/errors.ts'
import { parseStatusFeed } from './csv/status-feed.ts'
import { applySignalsBatch } from './apply-signals-batch.ts'
import { ingestX12 } from './x12/ingest-x12.ts'
import { noteUnmatchedLines, unmatchedCount } from './unmatched-lines.ts'

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
  const outcome = looksLikeX12(input.body) || namedAsX12(filename) ? await ingestX12(db, { ...input, filename }) : await ingestCsv(db, { ...input, filename })
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
    const signals = await parseStatusFeed(input.body)
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
