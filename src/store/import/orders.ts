import { z } from 'zod'
import type { Queryable } from '../db.ts'
import type { ImportContext, KindSpec } from './pipeline.ts'
import { optionalBoolean, optionalCountry, optionalDate, optionalEmail, optionalInstant, optionalMoney, optionalText, requiredInstant, requiredInt, requiredText, whenValid } from './fields.ts'
import { checkDuplicates, checkExists, goodCell } from './staging.ts'
import { mergeOrders } from './orders-merge.ts'

/** One row of orders.csv: one order line, with its order's fields repeated. */
export const OrderRowSchema = z
  .object({
    order_number: requiredText(),
    placed_at: requiredInstant(),
    customer_name: optionalText(),
    customer_email: optionalEmail(),
    customer_phone: optionalText(),
    postal_code: optionalText(),
    line_no: requiredInt(1),
    sku: requiredText(),
    qty: requiredInt(1),
    supplier_id: optionalText(),
    po_number: optionalText(),
    po_line: optionalText(),
    promised_ship_date: optionalDate(),
    // What the customer paid per unit; blank means the product's price (refunds and price differences use it).
    unit_price: optionalMoney(),
    // The whole amount tendered, which a refund gives back: this line's tax, the order's shipping and handling.
    line_tax: optionalMoney(),
    order_shipping: optionalMoney(),
    // The rule's applicable time with no promised date: 30 days after payment (blank: placed_at), 50 on the store's credit.
    paid_at: optionalInstant(),
    seller_credit: optionalBoolean(),
    // Ship-to country (lanes); blank is the store's (WISMO_COUNTRY), read when a lane is formed.
    country: optionalCountry(),
  })
  // The customer's lookup needs the order number plus one of these (DESIGN: status lookup).
  .refine((row) => row.customer_email !== undefined || row.postal_code !== undefined, {
    path: ['customer_email'],
    message: 'required when postal_code is blank',
    when: whenValid('customer_email', 'postal_code'),
  })
export type OrderRow = z.infer<typeof OrderRowSchema>

/**
 * Fills import_stage.supplier: the given supplier_id; else, on a re-import, the supplier the
 * line already has (a PO went out to it — stock moving since must not re-source the line);
 * else the supplier offering the SKU with the most stock, then the lowest cost, then by id.
 */
async function resolveSuppliers(tx: Queryable): Promise<void> {
  await tx.query('UPDATE import_stage SET supplier = supplier_id WHERE supplier_id IS NOT NULL')
  await tx.query(
    `UPDATE import_stage s SET supplier = ol.supplier_id
     FROM orders o JOIN order_lines ol ON ol.order_id = o.order_id
     WHERE s.supplier IS NULL AND o.order_number = s.order_number AND ol.line_no = s.line_no AND ol.sku = s.sku`,
  )
  await tx.query(
    `UPDATE import_stage s SET supplier = best.supplier_id
     FROM (SELECT DISTINCT ON (sku) sku, supplier_id FROM offers
           WHERE sku IN (SELECT sku FROM import_stage WHERE supplier IS NULL)
           ORDER BY sku, available_qty DESC NULLS LAST, cost ASC NULLS LAST, supplier_id) best
     WHERE s.supplier IS NULL AND best.sku = s.sku`,
  )
  await tx.query(
    `INSERT INTO import_problems (line, field, problem)
     SELECT line, 'supplier_id', 'blank, and no supplier offers SKU ' || to_json(sku)::text
     FROM import_stage s
     WHERE supplier IS NULL AND ${goodCell('supplier_id')} AND EXISTS (SELECT 1 FROM products p WHERE p.sku = s.sku)`,
  )
}

/**
 * Every row of an order must repeat the order's placed_at, customer_email and postal_code, as
 * its first row (with those three valid) has them; a row's invalid cells are not compared.
 */
async function checkOrderAgreement(tx: Queryable): Promise<void> {
  const fields = ['placed_at', 'customer_email', 'postal_code']
  await tx.query(
    `WITH first AS (
       SELECT DISTINCT ON (order_number) order_number, line, placed_at, lower(customer_email) AS email, postal_code
       FROM import_stage s WHERE ${fields.map((f) => goodCell(f)).join(' AND ')}
       ORDER BY order_number, line)
     INSERT INTO import_problems (line, field, problem)
     SELECT s.line, d.field, 'differs from line ' || f.line || ' of order ' || to_json(s.order_number)::text
     FROM import_stage s JOIN first f ON f.order_number = s.order_number
     CROSS JOIN LATERAL (VALUES
       ('placed_at', s.placed_at IS DISTINCT FROM f.placed_at),
       ('customer_email', lower(s.customer_email) IS DISTINCT FROM f.email),
       ('postal_code', s.postal_code IS DISTINCT FROM f.postal_code)) AS d(field, differs)
     WHERE s.line <> f.line AND d.differs AND NOT (s.bad IS NOT NULL AND d.field = ANY(string_to_array(s.bad, ' ')))`,
  )
}

/** A supplier's PO line can belong to one order line only, in the file and in the database. */
async function checkPoLines(tx: Queryable): Promise<void> {
  await checkDuplicates(tx, {
    columns: ['po_number', 'po_line', 'supplier'],
    field: 'po_line',
    what: ' (same po_number, po_line and supplier)',
  })
  await tx.query(
    `INSERT INTO import_problems (line, field, problem)
     SELECT s.line, 'po_line', 'PO ' || to_json(s.po_number)::text || ' line ' || to_json(s.po_line)::text
       || ' already belongs to order ' || to_json(o.order_number)::text || ' line ' || ol.line_no
     FROM import_stage s
     JOIN po_lines p ON p.po_number = s.po_number AND p.po_line = s.po_line AND coalesce(p.supplier_id, '') = s.supplier
     JOIN order_lines ol ON ol.order_line_id = p.order_line_id
     JOIN orders o ON o.order_id = ol.order_id
     WHERE NOT (o.order_number = s.order_number AND ol.line_no = s.line_no)`,
  )
}

/**
 * The order's payment terms and shipping may be given on one row of the order or repeated on
 * several; repeated, they must agree (with the first row that gives them).
 */
async function checkOrderTerms(tx: Queryable): Promise<void> {
  for (const field of ['paid_at', 'seller_credit', 'order_shipping', 'country']) {
    await tx.query(
      `WITH first AS (
         SELECT DISTINCT ON (order_number) order_number, line, ${field} AS v
         FROM import_stage s WHERE ${field} IS NOT NULL ORDER BY order_number, line)
       INSERT INTO import_problems (line, field, problem)
       SELECT s.line, '${field}', 'differs from line ' || f.line || ' of order ' || to_json(s.order_number)::text
       FROM import_stage s JOIN first f ON f.order_number = s.order_number
       WHERE s.line <> f.line AND s.${field} IS NOT NULL AND s.${field} IS DISTINCT FROM f.v`,
    )
  }
}

async function checkOrders({ tx }: ImportContext): Promise<void> {
  await checkDuplicates(tx, { columns: ['order_number', 'line_no'], field: 'line_no', what: ' (same order_number and line_no)' })
  await checkExists(tx, { column: 'sku', table: 'products', target: 'sku', label: 'unknown SKU' })
  await checkExists(tx, { column: 'supplier_id', table: 'suppliers', target: 'supplier_id', label: 'unknown supplier' })
  await resolveSuppliers(tx)
  await checkOrderAgreement(tx)
  await checkOrderTerms(tx)
  await checkPoLines(tx)
}

/**
 * orders.csv, one row per line. Customers are upserted by email, orders by order_number,
 * lines by (order, line_no), PO lines by (po_number, po_line, supplier).
 */
export const ordersSpec: KindSpec<OrderRow> = {
  kind: 'orders',
  required: ['order_number', 'placed_at', 'line_no', 'sku', 'qty'],
  optional: ['customer_name', 'customer_email', 'customer_phone', 'postal_code', 'supplier_id', 'po_number', 'po_line', 'promised_ship_date', 'unit_price',
    'line_tax', 'order_shipping', 'paid_at', 'seller_credit', 'country'],
  anyOf: ['customer_email', 'postal_code'],
  schema: OrderRowSchema,
  stage: [
    { name: 'order_number', type: 'text' },
    { name: 'placed_at', type: 'timestamptz' },
    { name: 'customer_name', type: 'text' },
    { name: 'customer_email', type: 'text' },
    { name: 'customer_phone', type: 'text' },
    { name: 'postal_code', type: 'text' },
    { name: 'line_no', type: 'integer' },
    { name: 'sku', type: 'text' },
    { name: 'qty', type: 'integer' },
    { name: 'supplier_id', type: 'text' },
    { name: 'po_number', type: 'text' },
    { name: 'po_line', type: 'text' },
    { name: 'promised_ship_date', type: 'date' },
    { name: 'unit_price', type: 'numeric' },
    { name: 'line_tax', type: 'numeric' },
    { name: 'order_shipping', type: 'numeric' },
    { name: 'paid_at', type: 'timestamptz' },
    { name: 'seller_credit', type: 'boolean' },
    { name: 'country', type: 'text' },
    // Filled by resolveSuppliers: the supplier the line goes to.
    { name: 'supplier', type: 'text' },
  ],
  toStage: (r) => [
    r.order_number, r.placed_at, r.customer_name, r.customer_email, r.customer_phone, r.postal_code,
    r.line_no, r.sku, r.qty, r.supplier_id, r.po_number ?? r.order_number, r.po_line ?? r.line_no?.toString(),
    r.promised_ship_date, r.unit_price, r.line_tax, r.order_shipping, r.paid_at, r.seller_credit, r.country, null,
  ],
  check: checkOrders,
  merge: mergeOrders,
}
