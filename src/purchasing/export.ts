/**
 * Purchasing documents out of the store: written to the purchasing folder (one folder per
 * supplier, the X12 and the CSV side by side) once their transaction has committed, and listed
 * for the retailer's systems and for each supplier.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Queryable } from '../store/db.ts'
import { PURCHASING_CSV_HEADER } from './x12-documents.ts'

/** The supplier's 997/999 answer to a document: accepted or rejected, why, and which message said so. */
export interface DocumentAcknowledgment {
  status: 'accepted' | 'rejected'
  detail: string | null
  messageId: number | null
  receivedAt: string
}

export interface PurchasingDocumentView {
  documentId: number
  kind: '850' | '860'
  supplierId: string | null
  poNumber: string
  poLine: string
  orderNumber: string | null
  lineNo: number | null
  controlNumber: number
  reason: string | null
  createdAt: string
  x12: string
  csv: string
  /** Null until the supplier's 997 (or 999) answering it arrives. */
  acknowledgment: DocumentAcknowledgment | null
}

// Supplier ids and PO numbers come from imports: keep only what is safe in a file name.
const safe = (s: string) => s.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '_').slice(0, 80) || '_'

/**
 * Writes every committed document not yet written to `dir/<supplier>/`: `<kind>-<po>-<control>.x12`
 * and `.csv` (with a header), then marks it written. Safe to call from any process at any time:
 * a file is written whole (temp file + rename) and rewriting one gives the same bytes.
 */
export async function exportPurchasingDocuments(db: Queryable, dir: string, now: Date): Promise<string[]> {
  const rows = await db.query<{ document_id: number; kind: string; supplier_id: string | null; po_number: string; control_number: number; x12: string; csv: string }>(
    `SELECT document_id, kind, supplier_id, po_number, control_number, x12, csv FROM purchasing_documents
      WHERE written_at IS NULL ORDER BY document_id LIMIT 1000`,
  )
  const written: string[] = []
  for (const r of rows) {
    const folder = path.join(dir, safe(r.supplier_id ?? 'unknown'))
    fs.mkdirSync(folder, { recursive: true })
    const base = path.join(folder, `${r.kind}-${safe(r.po_number)}-${String(r.control_number).padStart(9, '0')}`)
    for (const [ext, text] of [['x12', r.x12], ['csv', `${PURCHASING_CSV_HEADER}\n${r.csv}\n`]] as const) {
      const tmp = `${base}.${ext}.tmp-${process.pid}`
      fs.writeFileSync(tmp, text)
      fs.renameSync(tmp, `${base}.${ext}`)
    }
    await db.query('UPDATE purchasing_documents SET written_at = $2 WHERE document_id = $1', [r.document_id, now])
    written.push(`${base}.x12`)
  }
  return written
}

/** Documents oldest first after a cursor; only one supplier's when `supplierId` is given, one order's with `orderId`. */
export async function listPurchasingDocuments(
  db: Queryable,
  opts: { supplierId?: string; orderId?: number; after?: number; limit?: number } = {},
): Promise<PurchasingDocumentView[]> {
  const rows = await db.query<{
    document_id: number; kind: '850' | '860'; supplier_id: string | null; po_number: string; po_line: string; order_number: string | null
    line_no: number | null; control_number: number; reason: string | null; created_at: Date; x12: string; csv: string
    ack_status: 'accepted' | 'rejected' | null; ack_detail: string | null; ack_message_id: number | null; acked_at: Date | null
  }>(
    `SELECT d.document_id, d.kind, d.supplier_id, d.po_number, d.po_line, o.order_number, l.line_no, d.control_number, d.reason,
            d.created_at, d.x12, d.csv, d.ack_status, d.ack_detail, d.ack_message_id, d.acked_at
       FROM purchasing_documents d
       LEFT JOIN order_lines l ON l.order_line_id = d.order_line_id LEFT JOIN orders o ON o.order_id = l.order_id
      WHERE d.document_id > $1 AND ($3::text IS NULL OR d.supplier_id = $3) AND ($4::bigint IS NULL OR l.order_id = $4)
      ORDER BY d.document_id LIMIT $2`,
    [opts.after ?? 0, opts.limit ?? 200, opts.supplierId ?? null, opts.orderId ?? null],
  )
  return rows.map((r) => ({
    documentId: r.document_id, kind: r.kind, supplierId: r.supplier_id, poNumber: r.po_number, poLine: r.po_line,
    orderNumber: r.order_number, lineNo: r.line_no, controlNumber: r.control_number, reason: r.reason,
    createdAt: r.created_at.toISOString(), x12: r.x12, csv: `${PURCHASING_CSV_HEADER}\n${r.csv}\n`,
    acknowledgment: r.ack_status && r.acked_at
      ? { status: r.ack_status, detail: r.ack_detail, messageId: r.ack_message_id, receivedAt: r.acked_at.toISOString() }
      : null,
  }))
}
