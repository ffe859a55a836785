/**
 * Purchasing documents in the store: the 860 that cancels a line at its supplier
 * (`requestSupplierCancel`), the 850 that places it with another (`placePurchaseLine`), the
 * list the retailer and suppliers read, and the folder they are written to once committed.
 */
import type { Queryable } from '../store/db.ts'
import { build850, build860, purchasingCsvRow, type DocumentContext, type PurchaseLine, type PurchasingParty } from './x12-documents.ts'

/** wismo's own interchange id when none is configured. */
export const DEFAULT_SENDER: PurchasingParty = { qualifier: 'ZZ', id: 'WISMO' }

export interface PurchasingDocument {
  documentId: number
  kind: '850' | '860'
  supplierId: string | null
  poNumber: string
  poLine: string
  controlNumber: number
}

interface PoContext {
  po_line_id: number
  po_number: string
  po_line: string
  sku: string
  qty: number
  supplier_id: string | null
  edi_id: string | null
  supplier_sku: string | null
  cost: number | null
  unit_cost: number | null
  name: string | null
  order_number: string
  customer_name: string | null
  postal_code: string | null
  shipped: number
}

const PO_CONTEXT = `
SELECT p.po_line_id, p.po_number, p.po_line, p.sku, p.qty, p.supplier_id, s.edi_id, f.supplier_sku, f.cost, p.unit_cost,
       pr.name, o.order_number, c.name AS customer_name, o.postal_code,
       (SELECT coalesce(sum(sh.qty), 0)::int FROM shipments sh WHERE sh.po_line_id = p.po_line_id) AS shipped
  FROM po_lines p
  JOIN order_lines l ON l.order_line_id = p.order_line_id
  JOIN orders o ON o.order_id = l.order_id
  JOIN customers c ON c.customer_id = o.customer_id
  LEFT JOIN suppliers s ON s.supplier_id = p.supplier_id
  LEFT JOIN offers f ON f.supplier_id = p.supplier_id AND f.sku = p.sku
  LEFT JOIN products pr ON pr.sku = p.sku`

async function nextControl(tx: Queryable): Promise<number> {
  const [{ n }] = await tx.query<{ n: number }>(`SELECT nextval('purchasing_control_seq')::bigint AS n`)
  return n
}

function contextFor(po: PoContext, control: number, now: Date, sender: PurchasingParty): DocumentContext {
  return {
    control, now, sender,
    receiver: { qualifier: 'ZZ', id: po.edi_id ?? po.supplier_id ?? 'SUPPLIER' },
    supplierId: po.supplier_id,
    orderNumber: po.order_number,
    shipTo: { name: po.customer_name, postalCode: po.postal_code },
  }
}

function lineOf(po: PoContext, qty: number): PurchaseLine {
  return {
    poNumber: po.po_number, poLine: po.po_line, sku: po.sku, supplierSku: po.supplier_sku, qty,
    unitPrice: po.unit_cost ?? po.cost, description: po.name,
  }
}

async function insertDocument(
  tx: Queryable,
  kind: '850' | '860',
  po: PoContext,
  orderLineId: number,
  ctx: DocumentContext,
  x12: string,
  line: PurchaseLine,
  reason: string | null,
): Promise<PurchasingDocument> {
  const [row] = await tx.query<{ document_id: number }>(
    `INSERT INTO purchasing_documents (kind, supplier_id, po_number, po_line, po_line_id, order_line_id, control_number, x12, csv, reason, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING document_id`,
    [kind, po.supplier_id, po.po_number, po.po_line, po.po_line_id, orderLineId, ctx.control, x12, purchasingCsvRow(kind, line, ctx), reason, ctx.now],
  )
  return { documentId: row.document_id, kind, supplierId: po.supplier_id, poNumber: po.po_number, poLine: po.po_line, controlNumber: ctx.control }
}

/**
 * Asks the supplier to cancel a line's open PO line: deactivates it (its late 855/856 no longer
 * move the line) and records an X12 860 deleting it (POC02 DI) with the quantity not shipped.
 * Null when the line has no active PO line (already cancelled or never sent). Call inside the
 * transaction that cancels or re-sources the line; the file is written after commit
 * (`exportPurchasingDocuments`).
 */
export async function requestSupplierCancel(
  tx: Queryable,
  input: { orderLineId: number; reason: string; now: Date; sender?: PurchasingParty },
): Promise<PurchasingDocument | null> {
  const pos = await tx.query<PoContext>(`${PO_CONTEXT} WHERE p.order_line_id = $1 AND p.active ORDER BY p.po_line_id FOR UPDATE OF p`, [input.orderLineId])
  if (pos.length === 0) return null
  let first: PurchasingDocument | null = null
  for (const po of pos) {
    await tx.query('UPDATE po_lines SET active = false, cancel_requested_at = $2 WHERE po_line_id = $1', [po.po_line_id, input.now])
    const [{ n }] = await tx.query<{ n: number }>(
      `SELECT count(*)::int + 1 AS n FROM purchasing_documents WHERE kind = '860' AND po_number = $1 AND coalesce(supplier_id, '') = coalesce($2, '')`,
      [po.po_number, po.supplier_id],
    )
    const ctx = contextFor(po, await nextControl(tx), input.now, input.sender ?? DEFAULT_SENDER)
    const line = lineOf(po, Math.max(0, po.qty - po.shipped))
    const doc = await insertDocument(tx, '860', po, input.orderLineId, ctx, build860(line, { ...ctx, changeSequence: n }), line, input.reason)
    first ??= doc
  }
  return first
}

/**
 * Places a line with a new supplier: a PO line `<original PO>-R<n>` (n counts the line's
 * re-sourcings) for `qty` of `sku`, marked as re-sourced from `fromPoLineId`, and the X12 850
 * that sends it. Returns the document and the new PO line's id.
 */
export async function placePurchaseLine(
  tx: Queryable,
  input: {
    orderLineId: number; supplierId: string; sku: string; qty: number; fromPoLineId: number | null; now: Date; sender?: PurchasingParty
    /** Why the line is placed again: `resourced` (a switch, the default) or `reship` (a parcel lost or damaged). */
    reason?: 'resourced' | 'reship'
  },
): Promise<PurchasingDocument & { poLineId: number }> {
  const [base] = await tx.query<{ po_number: string; po_line: string; n: number }>(
    `SELECT (array_agg(po_number ORDER BY po_line_id) FILTER (WHERE resourced_from IS NULL))[1] AS po_number,
            (array_agg(po_line ORDER BY po_line_id) FILTER (WHERE resourced_from IS NULL))[1] AS po_line,
            count(*) FILTER (WHERE resourced_from IS NOT NULL)::int + 1 AS n
       FROM po_lines WHERE order_line_id = $1`,
    [input.orderLineId],
  )
  const [{ order_number, line_no }] = await tx.query<{ order_number: string; line_no: number }>(
    'SELECT o.order_number, l.line_no FROM order_lines l JOIN orders o ON o.order_id = l.order_id WHERE l.order_line_id = $1',
    [input.orderLineId],
  )
  const poNumber = `${base?.po_number ?? order_number}-R${base?.n ?? 1}`
  const [po] = await tx.query<{ po_line_id: number }>(
    `INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty, active, resourced_from, unit_cost, created_at)
     SELECT $1, $2, $3, $4, $5, $6, true, $7, f.cost, $8 FROM (SELECT 1) x LEFT JOIN offers f ON f.supplier_id = $2 AND f.sku = $5
     RETURNING po_line_id`,
    [input.orderLineId, input.supplierId, poNumber, base?.po_line ?? String(line_no), input.sku, input.qty, input.fromPoLineId, input.now],
  )
  const [ctxRow] = await tx.query<PoContext>(`${PO_CONTEXT} WHERE p.po_line_id = $1`, [po.po_line_id])
  const ctx = contextFor(ctxRow, await nextControl(tx), input.now, input.sender ?? DEFAULT_SENDER)
  const line = lineOf(ctxRow, input.qty)
  const doc = await insertDocument(tx, '850', ctxRow, input.orderLineId, ctx, build850(line, ctx), line, input.reason ?? 'resourced')
  return { ...doc, poLineId: po.po_line_id }
}

/**
 * Sends a new order line's PO line (already stored, active) to its supplier: the X12 850 for
 * all of it, reason `order` — a platform's order placed through wismo (src/connect/).
 */
export async function sendPurchaseLine(
  tx: Queryable,
  input: { poLineId: number; orderLineId: number; now: Date; sender?: PurchasingParty },
): Promise<PurchasingDocument> {
  const [ctxRow] = await tx.query<PoContext>(`${PO_CONTEXT} WHERE p.po_line_id = $1`, [input.poLineId])
  const ctx = contextFor(ctxRow, await nextControl(tx), input.now, input.sender ?? DEFAULT_SENDER)
  const line = lineOf(ctxRow, ctxRow.qty)
  return insertDocument(tx, '850', ctxRow, input.orderLineId, ctx, build850(line, ctx), line, 'order')
}
