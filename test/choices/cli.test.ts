import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { X12Parser } from 'node-x12'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'

let dir: string
let env: Record<string, string>
const wismo = (...args: string[]) => runWismo([...args, '--now', '2026-03-04T15:00:00Z'], env)
const file = (name: string, text: string) => {
  const p = path.join(dir, name)
  fs.writeFileSync(p, text)
  return p
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-choose-'))
  env = { ...(await freshDbEnv(path.join(dir, 'data'))), WISMO_PURCHASING_DIR: path.join(dir, 'purchasing') }
  const steps: [string, string, string][] = [
    ['suppliers', 'suppliers.csv', 'supplier_id,name,email,phone,edi_id,lead_time_days\nACME,Acme,a@acme.example,,ACMEEDI,3\nBOLT,Bolt,b@bolt.example,,BOLTEDI,2\n'],
    ['products', 'products.csv', 'sku,name,brand,family,color,size,price\nTENT-GRN,Trailhead 2P Tent green,Trailhead,TENT,green,2P,249.00\nTENT-BLU,Trailhead 2P Tent blue,Trailhead,TENT,blue,2P,249.00\nRIDGE-GRN,Ridgeline 2P Tent green,Ridgeline,RIDGE,green,2P,199.00\n'],
    ['offers', 'offers.csv', 'supplier_id,sku,supplier_sku,cost,available_qty,restock_date,lead_time_days\nACME,TENT-GRN,A1,150,0,,\nBOLT,TENT-GRN,B1,155,9,,\nACME,TENT-BLU,A2,150,0,,\nBOLT,RIDGE-GRN,B3,120,9,,\n'],
    ['equivalents', 'equivalents.csv', 'sku,equivalent_sku\nRIDGE-GRN,TENT-GRN\n'],
    ['orders', 'orders.csv', 'order_number,placed_at,customer_name,customer_email,customer_phone,postal_code,line_no,sku,qty,supplier_id,po_number,po_line,promised_ship_date,unit_price\nW1,2026-03-02T14:00:00Z,Dana,dana@example.com,,30301,1,TENT-GRN,2,ACME,,,,239.00\nW1,2026-03-02T14:00:00Z,Dana,dana@example.com,,30301,2,TENT-BLU,1,ACME,,,,\n'],
  ]
  for (const [kind, name, text] of steps) {
    const r = await wismo('import', kind, file(name, text))
    assert.equal(r.code, 0, r.stderr)
  }
  const feed = file('feed.csv', 'po_number,po_line,sku,status,qty,expected_ship_date\nW1,1,TENT-GRN,backordered,2,2026-05-01\nW1,2,TENT-BLU,backordered,1,\n')
  const r = await wismo('ingest', feed, '--supplier', 'ACME')
  assert.equal(r.code, 0, r.stderr)
})
after(() => fs.rmSync(dir, { recursive: true, force: true }))

test('wismo status lists alternatives; wismo choose switches, cancels, and refuses with a reason', async () => {
  const status = await wismo('status', 'W1', '--json')
  assert.equal(status.code, 0, status.stderr)
  const view = JSON.parse(status.stdout)
  assert.deepEqual(view.lines[0].alternatives.map((a: { sku: string; kind: string; priceDelta: number; supplierId: string }) => [a.kind, a.sku, a.priceDelta, a.supplierId]), [
    ['other_supplier', 'TENT-GRN', 0, 'BOLT'], ['equivalent', 'RIDGE-GRN', -40, 'BOLT'],
  ], 'unit_price 239 paid: Ridgeline at 199 is 40 less')
  const text = await wismo('status', 'W1')
  assert.match(text.stdout, /alternative: TENT-GRN .*BOLT/)

  const refused = await wismo('choose', 'W1', '1', 'switch', 'NOPE')
  assert.equal(refused.code, 1)
  assert.match(refused.stderr, /NOPE is not among line 1's current alternatives/)
  const usage = await wismo('choose', 'W1')
  assert.equal(usage.code, 2)

  const sw = await wismo('choose', 'W1', '1', 'switch', 'TENT-GRN', '--rep', 'sam@store.example')
  assert.equal(sw.code, 0, sw.stderr)
  assert.match(sw.stdout, /switch recorded \(by rep:sam@store.example\)/)
  // The same SKU from another supplier is said as the same item, not as a switch to its own name.
  assert.match(sw.stdout, /line 1: the same item TENT-GRN, now from BOLT \(stock found elsewhere\)/)
  assert.ok(!sw.stdout.includes('switched from TENT-GRN to TENT-GRN'), sw.stdout)
  assert.match(sw.stdout, /850 to BOLT: PO W1-R1 line 1/)
  assert.match(sw.stdout, /860 to ACME: PO W1 line 1 deleted/)
  const files = fs.readdirSync(path.join(dir, 'purchasing', 'BOLT'))
  const x12 = fs.readFileSync(path.join(dir, 'purchasing', 'BOLT', files.find((f) => f.endsWith('.x12'))!), 'utf8')
  const ic = new X12Parser(true).parse(x12) as { functionalGroups: { transactions: { header: { valueOf(n: number): string } }[] }[] }
  assert.equal(ic.functionalGroups[0].transactions[0].header.valueOf(1), '850')
  assert.ok(fs.readdirSync(path.join(dir, 'purchasing', 'ACME')).some((f) => /^860-W1-\d{9}\.csv$/.test(f)))

  const cancel = await wismo('choose', 'W1', '2', 'cancel')
  assert.equal(cancel.code, 0, cancel.stderr)
  assert.match(cancel.stdout, /refund due: 249\.00 by 2026-03-13/)
  const refunds = await wismo('refunds', '--json')
  assert.deepEqual(JSON.parse(refunds.stdout).map((r: { lineNo: number; amount: number }) => [r.lineNo, r.amount]), [[2, 249]])
  const again = await wismo('choose', 'W1', '2', 'wait')
  assert.equal(again.code, 1)
  assert.match(again.stderr, /line 2 is cancelled/)
})

test('wismo api-key prints a key once; a bad scope is a usage error', async () => {
  const r = await wismo('api-key', 'erp', '--scope', 'retailer')
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout.trim(), /^wak_retailer_[\w-]{40,}$/)
  assert.match(r.stderr, /GET \/api\/refunds/)
  assert.equal((await wismo('api-key', 'erp', '--scope', 'root')).code, 2)
  assert.equal((await wismo('api-key', 'erp')).code, 2)
})
