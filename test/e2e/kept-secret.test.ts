/**
 * Issue 15 item 1, end to end: with WISMO_SECRET unset, `wismo sweep` (one process) signs the
 * links of an email and `wismo serve` (another) accepts them — both use the secret kept for the
 * database — while links and cookies signed with the old constant are refused. `serve` says where
 * the secret is kept.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { simpleParser } from 'mailparser'
import { sign as signCookie } from '@fastify/cookie'
import { openDb } from '../../src/store/db.ts'
import { freshDbEnv } from '../helpers/db.ts'
import { runWismo } from '../helpers/cli.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { feed } from '../outreach/helpers.ts'
import { choiceTokenExpiry, signChoiceToken } from '../../src/choices/choice-token.ts'
import { signUnsubscribeToken } from '../../src/outreach/unsubscribe-token.ts'

const OLD_CONSTANT = 'wismo-development-secret-change-me'
const bin = path.resolve(import.meta.dirname, '../../bin/wismo.js')

/** Starts `wismo serve --port 0` and resolves with its base URL and everything it printed up to the console line. */
function startServe(env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--now', '2026-11-03T16:00:00Z'], {
    env: { ...process.env, DATABASE_URL: '', WISMO_NOW: '', WISMO_SECRET: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const lines: string[] = []
  const ready = new Promise<{ base: string; output: string }>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`wismo serve exited (${code}): ${stderr}`)))
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line)
      if (/console:/.test(line)) resolve({ base: /listening on (\S+)/.exec(lines.join('\n'))![1].replace('//localhost', '//127.0.0.1'), output: lines.join('\n') })
    })
  })
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.removeAllListeners('exit')
    child.on('exit', () => resolve())
    child.kill('SIGTERM')
  })
  return { ready, stop }
}

test('sweep signs, serve verifies, with the one kept secret; the old constant forges nothing', { timeout: 600_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-kept-secret-'))
  const dataDir = path.join(dir, 'data')
  const env: Record<string, string> = { ...(await freshDbEnv(dataDir)), WISMO_OUTBOX_DIR: path.join(dir, 'outbox'), WISMO_SECRET: '' }
  const db = await openDb({ url: env.DATABASE_URL, dataDir: env.WISMO_DATA_DIR })
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W1', email: 'dana@example.com', placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-05',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }] })
  await feed(db, ['W1,1,,backordered,1,,,'], '2026-11-03T14:00:00Z')
  const [{ customer_id: customerId }] = await db.query<{ customer_id: number }>('SELECT customer_id FROM customers')
  await db.close()
  const serve = { stop: async () => {} }
  try {
    const sweep = await runWismo(['sweep', '--now', '2026-11-03T15:00:00Z'], env)
    assert.equal(sweep.code, 0, sweep.stderr)
    const [eml] = fs.readdirSync(path.join(dir, 'outbox')).filter((f) => f.endsWith('.eml'))
    const mail = await simpleParser(fs.readFileSync(path.join(dir, 'outbox', eml)))
    // The text part's choice links are short (/l/CODE); serve resolves them below.
    const short = /\/l\/([A-Za-z0-9_-]{16})\b/.exec(mail.text ?? '')
    const unsub = /\/unsubscribe\?token=([A-Za-z0-9%._-]+)/.exec(mail.text ?? '')
    assert.ok(short && unsub, mail.text)
    if (!env.DATABASE_URL) {
      const file = path.join(dataDir, 'wismo.secret')
      assert.equal(fs.statSync(file).mode & 0o777, 0o600)
    }

    const started = startServe(env)
    serve.stop = started.stop
    const { base, output } = await started.ready
    const where = env.DATABASE_URL ? /database/i : new RegExp(path.join(dataDir, 'wismo.secret').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    const secretLine = output.split('\n').find((l) => /secret/i.test(l) && /WISMO_SECRET/.test(l))
    assert.ok(secretLine, output)
    assert.match(secretLine!, where)

    // What sweep signed, serve accepts: the short link sweep stored leads to it.
    const hop = await fetch(`${base}/l/${short![1]}`, { redirect: 'manual' })
    assert.equal(hop.status, 302)
    const choose = /\/orders\/W1\/choose\?token=([A-Za-z0-9%._-]+)/.exec(hop.headers.get('location') ?? '')
    assert.ok(choose, hop.headers.get('location') ?? '')
    const landing = await fetch(`${base}/orders/W1/choose?token=${choose![1]}`)
    assert.equal(landing.status, 200)
    assert.match(await landing.text(), /<h1>Order W1/)
    assert.equal((await fetch(`${base}/unsubscribe?token=${unsub![1]}`)).status, 200)

    // What the old constant signs, serve refuses.
    const forged = signChoiceToken(OLD_CONSTANT, { orderNumber: 'W1', lineNo: 1, expiresAt: choiceTokenExpiry(new Date('2026-11-03T16:00:00Z')) })
    assert.equal((await fetch(`${base}/orders/W1/choose?token=${encodeURIComponent(forged)}`)).status, 400)
    const choice = await fetch(`${base}/api/orders/W1/lines/1/choice`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: forged, choice: 'cancel' }) })
    assert.equal(choice.status, 403)
    const optOut = await fetch(`${base}/unsubscribe?token=${signUnsubscribeToken(customerId, OLD_CONSTANT)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    assert.equal(optOut.status, 400)
    const cookie = `wismo_order=${encodeURIComponent(signCookie(`${Date.parse('2026-11-03T17:00:00Z')}|W1`, OLD_CONSTANT))}`
    assert.doesNotMatch(await (await fetch(`${base}/orders/W1`, { headers: { cookie } })).text(), /<h1>Order W1/)
  } finally {
    await serve.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
