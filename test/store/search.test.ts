import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { searchBranches, searchOrders } from '../../src/store/search.ts'
import { parseSearch } from '../../src/domain/search-query.ts'

let db: Db

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W101301', email: 'Dana.Fields@Example.com', postalCode: 'SW1A 1AA', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }] })
  await seedOrder(db, { orderNumber: 'W101302', email: 'lee@example.org', postalCode: '30301-1234', placedAt: '2026-11-17T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }] })
  await db.query(`UPDATE customers SET phone = '(555) 123-4567' WHERE lower(email) = 'dana.fields@example.com'`)
  await db.query(`UPDATE customers SET name = 'Lee Okafor' WHERE email = 'lee@example.org'`)
  // Enough other orders and customers that a scan would cost more than an index: the planner
  // then shows which one it really picks (no enable_seqscan tricks).
  await db.query(`INSERT INTO customers (email, name, phone)
                  SELECT 'someone' || g || '@example.net', 'Person ' || g, '+1 (212) 555-' || lpad((g % 10000)::text, 4, '0')
                    FROM generate_series(1, 4000) g`)
  await db.query(`INSERT INTO orders (order_number, placed_at, customer_id, postal_code)
                  SELECT 'X' || lpad(g::text, 6, '0'), timestamptz '2026-10-01' + g * interval '1 minute',
                         (SELECT min(customer_id) FROM customers) + 2 + (g % 4000), lpad((g % 90000 + 10000)::text, 5, '0')
                    FROM generate_series(1, 6000) g`)
  await db.query('ANALYZE customers')
  await db.query('ANALYZE orders')
})
after(() => db.close())

const numbers = async (text: string) => (await searchOrders(db, text)).hits.map((h) => h.orderNumber)

test('an order number is found however it is typed: any case, with #, spaces or a dash', async () => {
  for (const typed of ['W101301', 'w101301', '#W101301', ' #w101301  ', 'w-101301', '101301']) {
    const r = await searchOrders(db, typed)
    assert.equal(r.hits[0]?.orderNumber, 'W101301', `typed ${JSON.stringify(typed)}`)
    assert.equal(r.hits[0].matched, 'order_number')
  }
  assert.equal((await searchOrders(db, '#w101301')).hits[0].exact, true)
  assert.deepEqual(await numbers('w1013'), ['W101301', 'W101302'], 'the start of a number lists both, in order')
  assert.equal((await searchOrders(db, 'w1013')).hits[0].exact, false)
})

test('email (any case, or its start), phone (any formatting), a word of the name, a postal code', async () => {
  assert.deepEqual(await numbers('dana.fields@example.com'), ['W101301'])
  assert.deepEqual(await numbers('DANA.FIELDS@EXAMPLE.COM'), ['W101301'])
  assert.deepEqual(await numbers('dana.fie'), ['W101301'])
  for (const phone of ['(555) 123-4567', '555-123-4567', '+1 555 123 4567', '5551234567', '555.123.4567']) {
    const r = await searchOrders(db, phone)
    assert.deepEqual(r.hits.map((h) => [h.orderNumber, h.matched]), [['W101301', 'phone']], phone)
    assert.equal(r.hits[0].customerPhone, '(555) 123-4567')
  }
  assert.deepEqual(await numbers('okafor'), ['W101302'])
  assert.deepEqual(await numbers('Lee Oka'), ['W101302'])
  assert.deepEqual(await numbers('sw1a 1aa'), ['W101301'])
  assert.deepEqual(await numbers('SW1A1AA'), ['W101301'])
  assert.deepEqual(await numbers('30301'), ['W101302'], 'a ZIP finds its ZIP+4')
  assert.deepEqual(await numbers('nobody-here@example.com'), [])
  assert.deepEqual((await searchOrders(db, '   ')).hits, [])
  assert.deepEqual((await searchOrders(db, '#')).hits, [])
})

test('a common word lists a page and says there is more', async () => {
  const r = await searchOrders(db, 'person', 10)
  assert.equal(r.hits.length, 10)
  assert.equal(r.more, true)
})

/** Every relation scanned by the plan, and how. */
function scans(plan: Record<string, unknown>): string[] {
  const out: string[] = []
  const walk = (n: Record<string, unknown>) => {
    const type = n['Node Type'] as string
    if (/Scan/.test(type)) out.push(`${type}${n['Index Name'] ? ` ${n['Index Name']}` : ''}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}`)
    for (const c of (n.Plans as Record<string, unknown>[] | undefined) ?? []) walk(c)
  }
  walk(plan)
  return out
}

test('EXPLAIN: each kind of key is an index range, never a scan of orders or customers', async () => {
  const expected: Record<string, RegExp> = {
    'w1013': /orders_number_search/, '101301': /orders_number_digits/, '(555) 123-4567': /customers_phone_digits/,
    'dana.fie': /customers_email_search/, 'okafor': /customers_name_words/, 'sw1a 1aa': /orders_postal_search/,
  }
  for (const [typed, index] of Object.entries(expected)) {
    // Every statement the text runs (it may be several kinds of key at once), each planned with its values.
    const plans: string[] = []
    for (const b of searchBranches(parseSearch(typed), 26)) {
      const [row] = await db.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(`EXPLAIN (FORMAT JSON) ${b.sql}`, b.values)
      const seen = scans(row['QUERY PLAN'][0].Plan)
      assert.ok(!seen.some((s) => /^Seq Scan on (orders|customers)$/.test(s)), `${typed} as ${b.match}: ${seen.join(', ')}`)
      plans.push(seen.join(', '))
    }
    assert.ok(plans.some((p) => index.test(p)), `${typed}: expected ${index.source} in ${plans.join(' | ')}`)
  }
})
