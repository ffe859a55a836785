/**
 * Issue 15 item 2: a body is never read whole before wismo knows it wants it. Over a real
 * listening server (inject never streams): the answer to an oversized or unauthenticated POST
 * must arrive while the client has sent only the first slice of its body, and a body trickled
 * byte by byte is cut off by the request timeout (1 s here, configured for the test).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { issueSupplierKey } from '../../src/store/supplier-keys.ts'

const MiB = 1024 * 1024
const FIRST_SLICE = 64 * 1024
const edi = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12/wismo/855-acme-po-w5001.edi'))
let db: Db
let app: FastifyInstance
let port: number
let key: string
let spoolDir: string

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W5001', email: 'p@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [{ lineNo: 2, sku: 'STOVE-1', qty: 3, supplierId: 'ACME' }],
  })
  key = await issueSupplierKey(db, 'ACME')
  spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-spool-test-'))
  app = await buildApp({
    db, clock: new TestClock('2026-11-20T12:00:00Z'), spoolDir,
    config: { holidays: [], lookupRateLimit: 100, secret: 'body-limits-secret-0123456789', requestTimeoutSeconds: 1, feedMaxMegabytes: 2 },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  port = (app.server.address() as net.AddressInfo).port
})
after(async () => {
  await app.close()
  await db.close()
  fs.rmSync(spoolDir, { recursive: true, force: true })
})

interface Answer {
  /** The status of the answer, null when none came. */
  status: number | null
  head: string
  /** Everything received: head and body. */
  text: string
  /** Body bytes the client had written when the answer (or the end) came. */
  sent: number
  /** True when the server closed the connection. */
  closed: boolean
}

/**
 * Sends a request's head and the first slice of its body, then waits up to `waitMs` for an answer
 * without sending more: a server that waits for the whole body gives none.
 */
function sendFirstSlice(head: string, waitMs = 3000): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    let sent = 0
    let closed = false
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      const m = /^HTTP\/1\.1 (\d{3})/.exec(received)
      resolve({ status: m ? Number(m[1]) : null, head: received.split('\r\n\r\n')[0], text: received, sent, closed })
    }
    const timer = setTimeout(done, waitMs)
    socket.on('error', () => {}) // EPIPE / ECONNRESET once the server hangs up: expected
    socket.on('data', (d) => {
      received += d.toString('latin1')
      if (received.includes('\r\n\r\n')) setTimeout(done, 50) // a moment for the close to follow
    })
    socket.on('close', () => {
      closed = true
      done()
    })
    socket.write(head)
    const body = Buffer.alloc(FIRST_SLICE, 'a')
    // A chunked request's slice goes as one chunk (and no last chunk: the body goes on).
    const framed = /transfer-encoding: chunked/i.test(head) ? Buffer.concat([Buffer.from(`${FIRST_SLICE.toString(16)}\r\n`), body, Buffer.from('\r\n')]) : body
    socket.write(framed, () => (sent += body.length))
  })
}

const post = (url: string, headers: Record<string, string>) =>
  `POST ${url} HTTP/1.1\r\nHost: localhost\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`
const fiveMiB = { 'content-length': String(5 * MiB) }
const chunked = { 'transfer-encoding': 'chunked' }

test('a 5 MiB POST to /console/login is refused from its headers, whatever its type', async () => {
  for (const type of ['application/x-www-form-urlencoded', 'application/octet-stream', 'text/csv', 'application/edi-x12', 'application/json', 'text/plain']) {
    const a = await sendFirstSlice(post('/console/login', { 'content-type': type, ...fiveMiB }))
    assert.ok(a.status === 413 || a.status === 415, `${type}: ${a.status} ${a.head}`)
    assert.ok(a.sent <= FIRST_SLICE, `${type}: answered before the body was sent`)
  }
})

test('a large chunked POST to /console/login is refused after at most the small limit', async () => {
  for (const type of ['application/x-www-form-urlencoded', 'application/octet-stream']) {
    // Chunked: no length to check up front; the 64 KiB slice is past the form limit already.
    const head = post('/console/login', { 'content-type': type, ...chunked })
    const a = await new Promise<Answer>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      let received = ''
      socket.on('error', () => {})
      socket.on('data', (d) => (received += d.toString('latin1')))
      const timer = setTimeout(() => socket.destroy(), 3000)
      socket.on('close', () => {
        clearTimeout(timer)
        const m = /^HTTP\/1\.1 (\d{3})/.exec(received)
        resolve({ status: m ? Number(m[1]) : null, head: received, text: received, sent: FIRST_SLICE, closed: true })
      })
      socket.write(head)
      socket.write(`${FIRST_SLICE.toString(16)}\r\n${'a'.repeat(FIRST_SLICE)}\r\n`)
    })
    assert.ok(a.status === 413 || a.status === 415, `${type}: ${a.status} ${a.head}`)
  }
})

test('a 5 MiB JSON body to the choice API is refused from its headers', async () => {
  const a = await sendFirstSlice(post('/api/orders/W5001/lines/2/choice', { 'content-type': 'application/json', ...fiveMiB }))
  assert.equal(a.status, 413, a.head)
})

test('the feed route without a key answers 401 before reading a byte of the body, and hangs up', async () => {
  for (const headers of [{ 'content-type': 'application/edi-x12', ...fiveMiB }, { 'content-type': 'text/csv', ...chunked },
    { 'content-type': 'application/octet-stream', ...fiveMiB, authorization: 'Bearer wsk_wrong' }]) {
    const a = await sendFirstSlice(post('/api/suppliers/ACME/feeds', headers))
    assert.equal(a.status, 401, `${JSON.stringify(headers)}: ${a.head}`)
    assert.match(a.head, /connection: close/i)
    assert.ok(a.closed, 'the server closes the connection rather than take in the rest')
  }
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_messages')
  assert.equal(n, 0)
  assert.deepEqual(fs.readdirSync(spoolDir), [], 'nothing was spooled')
})

test('with the key, a feed larger than its limit is refused from its headers', async () => {
  const a = await sendFirstSlice(post('/api/suppliers/ACME/feeds', { 'content-type': 'application/edi-x12', authorization: `Bearer ${key}`, 'content-length': String(3 * MiB) }))
  assert.equal(a.status, 413, a.head)
  assert.match(a.text, /"code":"REQUEST_TOO_LARGE"/)
  assert.match(a.head.toLowerCase(), /connection: close/)
})

test('with the key, a chunked feed over its limit is cut off while it is read, and its spool file removed', async () => {
  const res = await fetch(`http://127.0.0.1:${port}/api/suppliers/ACME/feeds`, {
    method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${key}` }, duplex: 'half',
    body: new ReadableStream({
      start(c) {
        for (let i = 0; i < 48; i++) c.enqueue(new Uint8Array(FIRST_SLICE).fill(97))
        c.close()
      },
    }),
  } as RequestInit).catch((err: Error) => err)
  if (res instanceof Error) assert.match(String(res.cause ?? res), /closed|reset|EPIPE|other side/i)
  else assert.equal(res.status, 413)
  assert.deepEqual(fs.readdirSync(spoolDir), [])
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_messages')
  assert.equal(n, 0)
})

test('with the key, a feed streamed over a real connection is applied, and its spool file removed', async () => {
  const res = await fetch(`http://127.0.0.1:${port}/api/suppliers/ACME/feeds?filename=po.edi`, {
    method: 'POST', headers: { 'content-type': 'application/edi-x12', authorization: `Bearer ${key}` }, duplex: 'half',
    body: new ReadableStream({
      start(c) {
        // In pieces, without a length: the route reads it as a stream.
        for (let i = 0; i < edi.length; i += 100) c.enqueue(new Uint8Array(edi.subarray(i, i + 100)))
        c.close()
      },
    }),
  } as RequestInit)
  const body = (await res.json()) as { outcome: string; acknowledgment: string }
  assert.equal(res.status, 200, JSON.stringify(body))
  assert.equal(body.outcome, 'applied')
  assert.match(body.acknowledgment, /AK1\*PR\*101/)
  assert.deepEqual(fs.readdirSync(spoolDir), [])
})

/** Opens a connection, writes `head`, then one byte of `trickle` every 200 ms; resolves when the server hangs up (or after `limitMs`). */
function trickle(head: string, bytes: string, limitMs: number): Promise<{ closedAfterMs: number | null; received: string }> {
  return new Promise((resolve) => {
    const started = performance.now()
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    let i = 0
    socket.on('error', () => {})
    socket.on('data', (d) => (received += d.toString('latin1')))
    const drip = setInterval(() => {
      if (i < bytes.length) socket.write(bytes[i++])
    }, 200)
    const give = setTimeout(() => socket.destroy(), limitMs)
    let closedByServer = true
    socket.on('close', () => {
      clearInterval(drip)
      clearTimeout(give)
      resolve({ closedAfterMs: closedByServer ? performance.now() - started : null, received })
    })
    give.unref()
    setTimeout(() => (closedByServer = false), limitMs - 1).unref()
    socket.write(head)
  })
}

test('a body trickled one byte at a time is cut off by the request timeout', async () => {
  const head = post('/console/login', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '200' })
  const r = await trickle(head, 'x'.repeat(200), 6000)
  assert.ok(r.closedAfterMs !== null, 'the server hung up')
  assert.ok(r.closedAfterMs! < 4000, `cut off after ${Math.round(r.closedAfterMs!)} ms (timeout 1 s)`)
  assert.match(r.received, /^HTTP\/1\.1 408/)
})

test('headers trickled one byte at a time are cut off too', async () => {
  const r = await trickle('POST /console/login HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: ' + 'y'.repeat(100), 6000)
  assert.ok(r.closedAfterMs !== null, 'the server hung up')
  assert.ok(r.closedAfterMs! < 4000, `cut off after ${Math.round(r.closedAfterMs!)} ms`)
})
