import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'

// The store's country's holidays through the command line a person uses: an order placed the
// Monday of Thanksgiving week with a 3-business-day lead time (NORTHWIND, test/fixtures/walkthrough).
const fx = (name: string) => path.join(import.meta.dirname, '../fixtures/walkthrough', name)
const ORDERS = [
  'order_number,placed_at,customer_name,customer_email,customer_phone,postal_code,line_no,sku,qty,supplier_id,po_number,po_line,promised_ship_date',
  'W9001,2026-11-23T15:00:00Z,Ana Silva,ana@example.com,,94110,1,LAMP-ARC-BRS,1,NORTHWIND,PO-W9001,1,',
].join('\n')
const NOW = '2026-11-23T16:00:00Z'
let dir: string
let env: Record<string, string>

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-holidays-'))
  env = await freshDbEnv(path.join(dir, 'data'))
  fs.writeFileSync(path.join(dir, 'orders.csv'), ORDERS)
  for (const [kind, file] of [['suppliers', fx('suppliers.csv')], ['products', fx('products.csv')], ['offers', fx('offers.csv')], ['orders', path.join(dir, 'orders.csv')]]) {
    const r = await runWismo(['import', kind, file, '--now', '2026-11-23T15:30:00Z'], env)
    assert.equal(r.code, 0, `${kind}: ${r.stderr}`)
  }
})
after(() => fs.rmSync(dir, { recursive: true, force: true }))

async function status(extra: Record<string, string> = {}) {
  const r = await runWismo(['status', 'W9001', '--json'], { ...env, WISMO_NOW: NOW, ...extra })
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout).lines[0]
}

test('wismo status: a promise spanning Thanksgiving moves by a day; the switch turns the country\'s holidays off', async () => {
  // Mon 23 + 3 business days: Tue 24, Wed 25, Fri 27 (Thanksgiving, Thu 26, is not a business day).
  const us = await status()
  assert.equal(us.state, 'processing')
  assert.equal(us.promisedShipDate, '2026-11-27')
  assert.deepEqual([us.eta.earliest, us.eta.latest, us.eta.source], ['2026-12-01', '2026-12-04', 'promise'])
  // A store that ships every weekday: only its configured holidays count.
  const off = await status({ WISMO_COUNTRY_HOLIDAYS: 'off' })
  assert.equal(off.promisedShipDate, '2026-11-26')
  assert.deepEqual([off.eta.earliest, off.eta.latest], ['2026-11-30', '2026-12-03'])
  // Configured holidays still count on top of the country's.
  const bridge = await status({ WISMO_HOLIDAYS: '2026-11-27' })
  assert.equal(bridge.promisedShipDate, '2026-11-30')
})

test('an unknown country for the holidays stops the command with a message naming WISMO_COUNTRY', async () => {
  const r = await runWismo(['status', 'W9001'], { ...env, WISMO_NOW: NOW, WISMO_COUNTRY: 'AQ' })
  assert.equal(r.code, 1)
  assert.match(r.stderr, /WISMO_COUNTRY "AQ": the holidays library \(date-holidays\) has no holidays for this country; set WISMO_COUNTRY_HOLIDAYS=off/)
})
