/**
 * Issue 19, SFTP: a supplier's files fetched from a real SFTP server (ssh2's, test/support) and
 * wismo's documents put back, through the faults the issue names.
 */
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startSftpServer, type TestSftpServer } from '../support/sftp-server.ts'
import { sealCredentials } from '../../src/connect/credentials.ts'
import { findSftpTransport, saveSftpTransport, type SftpSettings, type SupplierTransport } from '../../src/transports/transport-store.ts'
import { pollSftp, pollDueTransports } from '../../src/transports/sftp.ts'
import { openSftp } from '../../src/transports/sftp-connect.ts'
import { pendingDocuments, putTemporary, recordIntent, promote } from '../../src/transports/sftp-outbound.ts'
import { trustTransport } from '../../src/transports/transport-store.ts'
import { getOrderStatus } from '../../src/status/order-status.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { listOpenTasks } from '../../src/store/tasks.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { placePurchaseLine, requestSupplierCancel } from '../../src/purchasing/documents.ts'

const SECRET = 'test-secret-for-sftp-transports-0123456789'
const fixture = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12/wismo/855-acme-sftp-w8001.edi'))
const T0 = new Date('2026-11-20T10:00:00Z')
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000)
/** A file time well before T0: settled. */
const OLD = new Date('2026-11-20T09:00:00Z')

let db: Db
let server: TestSftpServer

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W8001', email: 'dana@example.com', placedAt: '2026-11-16T15:00:00Z', promisedShipDate: '2026-11-25',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 2, supplierId: 'ACME', poNumber: 'PO-W8001', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 3, supplierId: 'ACME', poNumber: 'PO-W8001', poLine: '2' },
    ],
  })
  server = await startSftpServer()
  fs.mkdirSync(path.join(server.root, 'outbox'))
  fs.mkdirSync(path.join(server.root, 'archive'))
  fs.mkdirSync(path.join(server.root, 'inbox'))
})
afterEach(async () => {
  await server.close()
  await db.close()
})

async function transport(settings: SftpSettings = {}, auth: 'password' | 'key' = 'password'): Promise<SupplierTransport> {
  const creds = auth === 'password' ? { password: server.password } : { privateKey: server.clientPrivateKey }
  const { transport } = await saveSftpTransport(db, {
    supplierId: 'ACME', url: `sftp://${server.user}@127.0.0.1:${server.port}/outbox`,
    credentials: sealCredentials(creds, SECRET), settings, now: T0,
  })
  return transport
}
const poll = async (now: Date) => pollSftp(db, await findSftpTransport(db, 'ACME'), { now, secret: SECRET, connect: { timeoutMs: 5000 } })
const messages = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_messages WHERE source = 'sftp'`))[0].n
const taken = () => db.query<{ remote_name: string; archived_at: Date | null }>('SELECT remote_name, archived_at FROM transport_files ORDER BY fetched_at')
const remote = (dir: string) => fs.readdirSync(path.join(server.root, dir)).sort()

test("an 855 on the supplier's server updates the order lines, once, and is archived; key login works too", async () => {
  await transport({ archiveDir: '/archive' }, 'key')
  server.write('outbox/ack-w8001.edi', fixture, OLD)
  const r = await poll(at(1))
  assert.equal(r.outcome, 'ok', JSON.stringify(r))
  assert.deepEqual(r.outcome === 'ok' && r.fetched.map((f) => [f.name, f.outcome]), [['ack-w8001.edi', 'applied']])
  const status = await getOrderStatus(db, 'W8001', { now: at(2), calendar: await calendarFrom(db, { holidays: [] }) })
  assert.deepEqual(status!.lines.map((l) => [l.status.state, l.status.expectedShipDate ?? null]), [['processing', null], ['backordered', '2026-12-10']])
  assert.deepEqual(remote('outbox'), [])
  assert.deepEqual(remote('archive'), ['ack-w8001.edi'])
  assert.equal((await taken())[0].archived_at?.toISOString(), at(1).toISOString())

  // The supplier drops the same file in again: seen, not ingested again, archived beside the first.
  server.write('outbox/ack-w8001.edi', fixture, OLD)
  const again = await poll(at(20))
  assert.equal(again.outcome, 'ok')
  assert.deepEqual(again.outcome === 'ok' && [again.fetched.length, again.repeated], [0, ['ack-w8001.edi']])
  assert.equal(await messages(), 1)
  assert.equal(remote('archive').length, 2)

  const [row] = await db.query<{ host_key: string; failures: number; last_success_at: Date; last_file_at: Date; next_poll_at: Date }>(
    'SELECT host_key, failures, last_success_at, last_file_at, next_poll_at FROM supplier_transports',
  )
  assert.match(row.host_key, /^SHA256:[A-Za-z0-9+/]{43}$/)
  assert.equal(row.failures, 0)
  assert.equal(row.last_file_at.toISOString(), at(1).toISOString())
  assert.equal(row.next_poll_at.toISOString(), at(35).toISOString())
})

test('without an archive folder a file stays and is fetched once; a reappearing file with new content is taken', async () => {
  await transport()
  server.write('outbox/ack.edi', fixture, OLD)
  assert.equal((await poll(at(1))).outcome, 'ok')
  assert.equal((await poll(at(20))).outcome, 'ok')
  assert.deepEqual(server.reads, ['/outbox/ack.edi'])
  assert.equal(await messages(), 1)

  // Same name, new content (a corrected answer): taken as new.
  const fixed = fixture.toString().replaceAll('801', '802').replace('20261210', '20261212')
  server.write('outbox/ack.edi', fixed, new Date('2026-11-20T09:30:00Z'))
  // Its mtime moved since the last listing: it may still be being written, so it waits a poll.
  const waiting = await poll(at(40))
  assert.deepEqual(waiting.outcome === 'ok' && waiting.waiting, ['ack.edi'])
  const r = await poll(at(60))
  assert.deepEqual(r.outcome === 'ok' && r.fetched.map((f) => f.outcome), ['applied'])
  assert.equal(await messages(), 2)
  assert.equal((await taken()).length, 2)
})

test('the host key is pinned on first use; a changed key stops the transport with a rep task, nothing fetched; trust resumes', async () => {
  await transport()
  assert.equal((await poll(at(1))).outcome, 'ok')
  const pinned = (await findSftpTransport(db, 'ACME')).hostKey
  assert.ok(pinned)

  await server.changeHostKey()
  server.write('outbox/ack.edi', fixture, OLD)
  const r = await poll(at(20))
  assert.equal(r.outcome, 'stopped')
  const t = await findSftpTransport(db, 'ACME')
  assert.equal(t.status, 'stopped')
  assert.match(t.stoppedReason!, new RegExp(`pinned ${pinned!.replace(/[+/]/g, '\\$&')}, the server now shows SHA256:`))
  assert.deepEqual(server.reads, [])
  assert.equal(await messages(), 0)
  const tasks = await listOpenTasks(db)
  assert.equal(tasks.length, 1)
  assert.equal(tasks[0].supplierId, 'ACME')
  assert.match(tasks[0].title, /host key changed/)
  assert.match(tasks[0].detail!, /wismo transport trust ACME/)
  // Stopped stays stopped: the job does not pick it up.
  assert.equal((await pollDueTransports(db, { now: () => at(60), secret: SECRET })).polled, 0)

  await trustTransport(db, t.transportId, at(61))
  const resumed = await poll(at(62))
  assert.equal(resumed.outcome, 'ok')
  assert.equal(await messages(), 1)
  const now = await findSftpTransport(db, 'ACME')
  assert.notEqual(now.hostKey, pinned)
  assert.equal(now.status, 'active')
})

test('a download cut off mid-file records nothing; the next poll takes it once', async () => {
  await transport({ archiveDir: '/archive' })
  const big = Buffer.concat([fixture, Buffer.from('\n'.repeat(200_000))])
  server.write('outbox/big.edi', big, OLD)
  server.faults.dropAfterBytes = 70_000
  const r = await poll(at(1))
  assert.equal(r.outcome, 'failed')
  assert.equal(await messages(), 0)
  assert.equal((await taken()).length, 0)
  assert.deepEqual(remote('outbox'), ['big.edi'])
  const row = await findSftpTransport(db, 'ACME')
  assert.equal(row.failures, 1)
  assert.ok(row.lastError)
  // Backoff: 15 minutes × 2^0 after the first failure.
  assert.equal(row.nextPollAt?.toISOString(), at(16).toISOString())

  const ok = await poll(at(16))
  assert.equal(ok.outcome, 'ok', JSON.stringify(ok))
  assert.equal(await messages(), 1)
  assert.equal((await taken()).length, 1)
  assert.deepEqual(remote('archive'), ['big.edi'])
  assert.equal((await findSftpTransport(db, 'ACME')).failures, 0)
})

test('a server that hangs mid-file: the poll gives up at its limit, records nothing, and the next poll takes the file', async () => {
  await transport()
  server.write('outbox/ack.edi', fixture, OLD)
  server.faults.stallReads = true
  const r = await pollSftp(db, await findSftpTransport(db, 'ACME'), { now: at(1), secret: SECRET, connect: { timeoutMs: 5000, pollLimitMs: 1500 } })
  assert.equal(r.outcome, 'failed')
  assert.equal(await messages(), 0)
  assert.equal((await taken()).length, 0)
  server.faults.stallReads = false
  assert.equal((await poll(at(20))).outcome, 'ok')
  assert.equal(await messages(), 1)
})

test('a half-written file waits: too young, then still growing; taken once when it settles', async () => {
  await transport({ settleSeconds: 60 })
  const half = fixture.subarray(0, 200)
  server.write('outbox/ack.edi', half, at(0))
  let r = await poll(new Date(at(0).getTime() + 30_000))
  assert.deepEqual(r.outcome === 'ok' && r.waiting, ['ack.edi'])
  // Old enough now, but it grew since the last listing.
  server.write('outbox/ack.edi', fixture, at(1))
  r = await poll(at(5))
  assert.deepEqual(r.outcome === 'ok' && r.waiting, ['ack.edi'])
  assert.equal(await messages(), 0)
  assert.deepEqual(server.reads, [])
  r = await poll(at(10))
  assert.deepEqual(r.outcome === 'ok' && r.fetched.map((f) => f.outcome), ['applied'])
  r = await poll(at(30))
  assert.deepEqual(r.outcome === 'ok' && [r.fetched.length, r.waiting.length], [0, 0])
  assert.equal(await messages(), 1)
})

test('a process stopped between ingest and record: the re-fetch is a duplicate, nothing applied twice', async () => {
  await transport()
  server.write('outbox/ack.edi', fixture, OLD)
  assert.equal((await poll(at(1))).outcome, 'ok')
  // As if the record had never been written.
  await db.query('DELETE FROM transport_files')
  const r = await poll(at(20))
  assert.deepEqual(r.outcome === 'ok' && r.fetched.map((f) => f.outcome), ['duplicate'])
  const signals = await db.query<{ n: number }>('SELECT count(DISTINCT message_id)::int AS n FROM supplier_signals')
  assert.equal(signals[0].n, 1)
  assert.equal((await taken()).length, 1)
})

async function purchasingDocuments(): Promise<void> {
  const lines = await db.query<{ order_line_id: number; line_no: number }>('SELECT order_line_id, line_no FROM order_lines ORDER BY line_no')
  await db.transaction(async (tx) => {
    await requestSupplierCancel(tx, { orderLineId: lines[1].order_line_id, reason: 'no_consent', now: at(2) })
    await placePurchaseLine(tx, { orderLineId: lines[1].order_line_id, supplierId: 'ACME', sku: 'STOVE-1', qty: 3, fromPoLineId: null, now: at(2) })
  })
}

test('outbound: the 997, 860 and 850 go up once; a full folder is retried and nothing is sent twice', async () => {
  await transport({ outboundDir: '/inbox' })
  server.write('outbox/ack.edi', fixture, OLD)
  await purchasingDocuments()
  server.faults.failWrites = true
  const full = await poll(at(5))
  assert.equal(full.outcome, 'failed')
  assert.match(full.outcome === 'failed' ? full.error : '', /kept 0 of \d+ bytes/)
  assert.equal(await messages(), 1, 'the inbound side still took its file')
  assert.deepEqual((await db.query('SELECT * FROM transport_sent')).length, 0)
  assert.deepEqual(remote('inbox'), [])

  server.faults.failWrites = false
  const ok = await poll(at(30))
  assert.equal(ok.outcome, 'ok', JSON.stringify(ok))
  const names = remote('inbox')
  assert.equal(names.length, 3)
  assert.ok(names.some((n) => /^997-\d{9}\.x12$/.test(n)))
  assert.ok(names.some((n) => /^850-PO-W8001-R1-\d{9}\.x12$/.test(n)))
  assert.ok(names.some((n) => /^860-PO-W8001-\d{9}\.x12$/.test(n)))
  assert.match(fs.readFileSync(path.join(server.root, 'inbox', names.find((n) => n.startsWith('997'))!), 'utf8'), /AK9\*A\*1\*1\*1~/)

  // The VAN collects them; later polls send nothing again.
  for (const n of names) fs.unlinkSync(path.join(server.root, 'inbox', n))
  const later = await poll(at(60))
  assert.deepEqual(later.outcome === 'ok' && later.sent, [])
  assert.deepEqual(remote('inbox'), [])
  const sent = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM transport_sent WHERE sent_at IS NOT NULL')
  assert.equal(sent[0].n, 3)
})

test('outbound: a process killed between upload and record sends nothing twice', async () => {
  const t = await transport({ outboundDir: '/inbox' })
  await purchasingDocuments()
  // A 997 too: the supplier's 855 taken in by another way.
  await ingestSupplierFeed(db, { body: fixture, filename: 'ack.edi', supplierId: 'ACME', source: 'inbox', receivedAt: at(1) })
  const [first, second, third] = await pendingDocuments(db, t)
  const session = await openSftp(t, SECRET)
  try {
    // 1: killed after the temporary file went up, before the intent: uploaded again, once.
    await putTemporary(session.client, '/inbox', first)
    // 2: killed after the rename, before marking sent — and the VAN has already collected the file.
    await putTemporary(session.client, '/inbox', second)
    await recordIntent(db, t, second, at(3))
    await promote(session.client, '/inbox', second)
    fs.unlinkSync(path.join(server.root, 'inbox', second.name))
    // 3: the final file is already there (sent by a process whose record was lost).
    await putTemporary(session.client, '/inbox', third)
    await promote(session.client, '/inbox', third)
  } finally {
    await session.client.end()
  }
  const writesBefore = server.writes.length
  const r = await pollSftp(db, await findSftpTransport(db, 'ACME'), { now: at(10), secret: SECRET })
  assert.equal(r.outcome, 'ok', JSON.stringify(r))
  assert.deepEqual(server.writes.slice(writesBefore), [`/inbox/${first.name}.part`])
  assert.deepEqual(remote('inbox'), [first.name, third.name].sort())
  assert.equal((await pendingDocuments(db, t)).length, 0)
})

test('the job polls each due transport once, however many workers ask', async () => {
  await transport()
  server.write('outbox/ack.edi', fixture, OLD)
  const runs = await Promise.all([1, 2, 3].map(() => pollDueTransports(db, { now: () => at(1), secret: SECRET })))
  assert.equal(runs.reduce((n, r) => n + r.polled, 0), 1)
  assert.equal(await messages(), 1)
  // Not due again until its interval has passed.
  assert.equal((await pollDueTransports(db, { now: () => at(10), secret: SECRET })).polled, 0)
  assert.equal((await pollDueTransports(db, { now: () => at(16), secret: SECRET })).polled, 1)
})
