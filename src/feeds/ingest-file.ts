import path from 'node:path'
import type { Db, Queryable } from '../store/db.ts'
import { ingestMessage, type IngestOutcome } from '../store/inbound.ts'
import { DomainError } from '../domain/errors.ts'
import { parseStatusFeed } from './csv/status-feed.ts'
import { applySignals } from './apply-signals.ts'

export interface SupplierFeedInput {
  body: Buffer
  filename: string | null
  supplierId: string | null
  source: string
  receivedAt: Date
}

/** X12 starts with its ISA envelope (after an optional BOM and whitespace); anything else is CSV. */
export function looksLikeX12(body: Buffer): boolean {
  return /^\uFEFF?\s*ISA/.test(body.subarray(0, 200).toString('utf8'))
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
export async function ingestSupplierFeed(db: Db, input: SupplierFeedInput): Promise<IngestOutcome> {
  const x12 = looksLikeX12(input.body)
  return ingestMessage(
    db,
    {
      kind: x12 ? 'x12' : 'supplier_csv',
      source: input.source,
      supplierId: input.supplierId,
      filename: input.filename ? path.basename(input.filename) : null,
      body: input.body,
      receivedAt: input.receivedAt,
    },
    async (tx, messageId) => {
      await requireSupplier(tx, input.supplierId)
      if (x12) throw new DomainError('FEED_X12_UNSUPPORTED', 'X12 feeds are not handled yet')
      const signals = parseStatusFeed(input.body.toString('utf8'))
      return applySignals(tx, messageId, input.supplierId, signals, input.receivedAt)
    },
  )
}
