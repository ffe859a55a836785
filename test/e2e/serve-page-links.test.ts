/**
 * Issue 16 item 7: `npm start` (`wismo serve --demo-if-empty`) prints, besides the API links, a
 * link to the customer's order PAGE for each demo example, and each one opens the order when
 * clicked — a newcomer has no lookup cookie, so the link carries its own signed proof.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { openDb } from '../../src/store/db.ts'
import { freshDbEnv } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'

const bin = path.resolve(import.meta.dirname, '../../bin/wismo.js')

test('serve on the demo examples prints a page link per example, and each opens the order page', { timeout: 300_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-page-links-'))
  const env: Record<string, string> = { ...(await freshDbEnv(path.join(dir, 'data'))), WISMO_OUTBOX_DIR: path.join(dir, 'outbox') }
  // The demo's three examples as `wismo demo` records them (its 2,000 orders take minutes to load
  // on a busy machine; serve reads only these rows to print the links).
  const db = await openDb({ url: env.DATABASE_URL, dataDir: env.WISMO_DATA_DIR })
  await seedCatalog(db)
  for (const [label, n] of [['easy', 'W101301'], ['intermediate', 'W101302'], ['ugly', 'W101303']]) {
    await seedOrder(db, { orderNumber: n, email: `${label}@example.com`, placedAt: '2026-10-25T10:00:00Z', promisedShipDate: '2026-10-30',
      lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }] })
    await db.query('INSERT INTO demo_examples (label, order_number, email) VALUES ($1, $2, $3)', [label, n, `${label}@example.com`])
  }
  await db.close()
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--demo-if-empty', '--now', '2026-11-03T16:00:00Z'], {
    env: { ...process.env, DATABASE_URL: '', WISMO_NOW: '', WISMO_SECRET: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const lines: string[] = []
      child.on('exit', (code) => reject(new Error(`wismo serve exited (${code}): ${stderr}`)))
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line)
        if (/console:/.test(line)) resolve(lines.join('\n'))
      })
    })
    for (const label of ['easy', 'intermediate', 'ugly']) {
      const api = new RegExp(`^\\s+${label}\\s+(http\\S+/api/orders/\\S+)$`, 'm').exec(output)
      const page = new RegExp(`^\\s+${label} page\\s+(http\\S+)$`, 'm').exec(output)
      assert.ok(api, `the ${label} API link:\n${output}`)
      assert.ok(page, `the ${label} page link:\n${output}`)
      const orderNumber = decodeURIComponent(/\/api\/orders\/([^/]+)\//.exec(api[1])![1])
      const res = await fetch(page[1].replace('//localhost', '//127.0.0.1'))
      const html = await res.text()
      assert.equal(res.status, 200, `${label}: ${page[1]}\n${html.slice(0, 500)}`)
      assert.match(html, new RegExp(`Order ${orderNumber}|${orderNumber}`))
      assert.doesNotMatch(html, /name="order_number"/, `${label}: the order itself, not the lookup form`)
    }
  } finally {
    if (child.exitCode === null) {
      child.removeAllListeners('exit')
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
  }
})
