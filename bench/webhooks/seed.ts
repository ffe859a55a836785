/** The webhook suite's data: N shipped orders whose trackers already have the fixture's first 6 details. */
import type { Db } from '../../src/store/db.ts'
import type { Template } from './bodies.ts'

/** N orders, one shipped line each, one shipment each (distinct tracking numbers), the fixture's first 6 details already stored. */
export async function seedShipments(db: Db, n: number, t: Template): Promise<void> {
  const at = `timestamptz '2024-07-31T14:00:00Z'`
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO suppliers (supplier_id, name, email) VALUES ('SUPWH', 'Webhook bench supplier', 'asn@supplier.example')`)
    await tx.query(`INSERT INTO products (sku, name) VALUES ('SKU-WH', 'Webhook bench product')`)
    await tx.query(`
      INSERT INTO customers (customer_id, email, name, created_at)
      SELECT g, 'wh' || g || '@example.com', 'Customer ' || g, ${at} - interval '30 days' FROM generate_series(1, ${n}) g`)
    await tx.query(`SELECT setval(pg_get_serial_sequence('customers', 'customer_id'), ${n})`)
    await tx.query(`
      INSERT INTO orders (order_id, order_number, placed_at, customer_id, postal_code, created_at)
      SELECT g, 'WH' || lpad(g::text, 7, '0'), ${at} - interval '2 days' - g * interval '1 second', g, '11201', ${at} - interval '2 days'
        FROM generate_series(1, ${n}) g`)
    await tx.query(`SELECT setval(pg_get_serial_sequence('orders', 'order_id'), ${n})`)
    // Shipped and swept: not dirty, so a webhook's mark is a real change.
    await tx.query(`
      INSERT INTO order_lines (order_line_id, order_id, line_no, sku, qty, supplier_id, state, state_changed_at, dirty)
      SELECT g, g, 1, 'SKU-WH', 1, 'SUPWH', 'in_transit', ${at}, false FROM generate_series(1, ${n}) g`)
    await tx.query(`SELECT setval(pg_get_serial_sequence('order_lines', 'order_line_id'), ${n})`)
    // The shipment notice the shipments came in (their message_id parent).
    await tx.query(`
      INSERT INTO inbound_messages (message_id, kind, source, supplier_id, filename, sha256, body, received_at, status, applied_at, summary)
      VALUES (1, 'supplier_csv', 'bench', 'SUPWH', 'asn.csv', repeat('0', 64), '\\x00'::bytea, ${at}, 'applied', ${at}, '[]')`)
    await tx.query(`SELECT setval(pg_get_serial_sequence('inbound_messages', 'message_id'), 1)`)
    await tx.query(`
      INSERT INTO shipments (order_line_id, carrier, tracking_number, service, shipped_at, qty, message_id)
      SELECT g, 'FedEx', 'EZ' || lpad(g::text, 10, '0'), 'FEDEX_GROUND', ${at}, 1, 1 FROM generate_series(1, ${n}) g`)
  })
  // Only this schema's tables (a bare ANALYZE would visit every schema of the database). inbound_messages holds
  // the shipment notice only: its statistics say nothing of carrier webhooks, as on a fresh install.
  await db.query('ANALYZE suppliers, products, customers, orders, order_lines, inbound_messages, shipments, carrier_events')
  // The history came in by webhook too: one earlier delivery per shipment (stored, applied), the parent of its 6 events.
  await db.transaction(async (tx) => {
    await tx.query(`
      INSERT INTO inbound_messages (message_id, kind, source, sha256, dedupe_key, body, received_at, status, applied_at, summary)
      SELECT 1 + g, 'carrier_webhook', 'webhook:easypost', encode(sha256(b), 'hex'), 'easypost:evt_seed_' || g, b, ${at} + interval '1 day', 'applied', ${at} + interval '1 day', '[]'
        FROM (SELECT g, convert_to('{"id":"evt_seed_' || g || '","description":"tracker.updated","result":{"tracking_code":"EZ' || lpad(g::text, 10, '0') || '"}}', 'UTF8') AS b
                FROM generate_series(1, ${n}) g) x`)
    await tx.query(`SELECT setval(pg_get_serial_sequence('inbound_messages', 'message_id'), ${n + 1})`)
    const h = t.history
    await tx.query(
      `INSERT INTO carrier_events (tracking_number, carrier, status, occurred_at, location, message, provider, message_id)
       SELECT 'EZ' || lpad(g::text, 10, '0'), h.carrier, h.status, h.occurred_at, h.location, h.message, 'easypost', 1 + g
         FROM generate_series(1, ${n}) g
        CROSS JOIN unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[]) AS h(carrier, status, occurred_at, location, message)
        ORDER BY g, h.occurred_at`,
      [h.map((e) => e.carrier), h.map((e) => e.status), h.map((e) => e.occurredAt), h.map((e) => e.location), h.map((e) => e.message)],
    )
  })
}
