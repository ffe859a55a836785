/**
 * A real `wismo serve` killed with SIGKILL while applying a carrier webhook it had already stored
 * and answered (WISMO_CRASH_AT=inbound.apply): the delivery stays stored, unapplied; the next
 * sweep (`wismo sweep`) applies it exactly once; the provider's resend to a live server is a
 * duplicate and changes nothing. On both databases.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDbEnv } from '../helpers/db.ts'
import { runWismo, startServe, withDb } from '../helpers/cli.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { SECRETS, easyPostStep, seedShippedOrder, signEasyPost } from '../carriers/webhook-kit.ts'

const NOW = '2026-11-20T14:00:00Z'
const TN = 'EZ4000000004'

const count = async (db: Db, sql: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`))[0].n

function send(base: string, body: Buffer): Promise<number> {
  return fetch(`${base}/api/carriers/easypost/webhook`, {
    method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/json', 'x-hmac-signature': signEasyPost(body) },
  }).then((r) => r.status, () => 0) // 0: the connection died with the process
}

test('kill -9 while applying a stored, answered carrier webhook: the sweep applies it once; the resend is a duplicate', { timeout: 600_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-webhook-crash-'))
  const env = { ...(await freshDbEnv(path.join(dir, 'data'))), EASYPOST_WEBHOOK_SECRET: SECRETS.easypost, WISMO_NOW: NOW }
  await withDb(env, async (db) => {
    await seedCatalog(db)
    await seedShippedOrder(db, { order: 'W-EP', sku: 'TENT-2P-GRN', placedAt: '2014-11-17T10:00:00Z', carrier: 'UPS', tracking: TN, shippedAt: '2014-11-21T12:00:00Z' })
  })
  const body = easyPostStep('evt_crash', 4, 'in_transit')

  const first = startServe({ ...env, WISMO_CRASH_AT: 'inbound.apply' })
  const answer = await send(await first.ready, body)
  await first.exited
  assert.ok(answer === 202 || answer === 0, `answered ${answer}`)
  await withDb(env, async (db) => {
    assert.equal(await count(db, `inbound_messages WHERE kind = 'carrier_webhook' AND status = 'received'`), 1, 'stored, not applied')
    assert.equal(await count(db, 'carrier_events'), 0, 'nothing of it applied')
  })

  const swept = await runWismo(['sweep', '--now', NOW], env)
  assert.equal(swept.code, 0, swept.stderr)
  const again = await runWismo(['sweep', '--now', NOW], env)
  assert.equal(again.code, 0, again.stderr)
  await withDb(env, async (db) => {
    assert.equal(await count(db, `inbound_messages WHERE kind = 'carrier_webhook' AND status = 'applied'`), 1)
    assert.equal(await count(db, `carrier_events WHERE tracking_number = '${TN}'`), 4)
  })

  const second = startServe(env)
  try {
    assert.equal(await send(await second.ready, body), 200, 'the resend is a duplicate')
  } finally {
    await second.stop()
  }
  await withDb(env, async (db) => {
    assert.equal(await count(db, `inbound_messages WHERE kind = 'carrier_webhook' AND status = 'applied'`), 1)
    assert.equal(await count(db, `inbound_messages WHERE kind = 'carrier_webhook' AND status = 'duplicate'`), 1)
    assert.equal(await count(db, `carrier_events WHERE tracking_number = '${TN}'`), 4)
  })
  fs.rmSync(dir, { recursive: true, force: true })
})
