/**
 * Carrier webhook ingest (issue 4) on PostgreSQL: EasyPost `tracker.updated` webhooks through the
 * real route `POST /api/carriers/easypost/webhook` against a bare signed-echo route in the same
 * server process, every request a distinct, correctly signed event (6 of its 7 details already
 * known, 1 new: the steady state of a tracker); then a replay run of bodies already applied.
 * Fails when a check fails: the sanity probes, any non-2xx answer, a webhook not applied exactly
 * once, or a replay that changed anything.
 *
 *   BENCH_WEBHOOK_SHIPMENTS=20000     orders seeded, one shipped line each, distinct tracking numbers
 *   BENCH_WEBHOOK_BODIES=100000       bodies built and signed up front (the run fails if it uses them all)
 *   BENCH_WEBHOOK_DURATION=10         measured seconds per route (after a 2 s warm-up each)
 *   BENCH_WEBHOOK_ROUNDS=2            echo and webhook in that many interleaved rounds
 *   BENCH_WEBHOOK_CONNECTIONS=10      autocannon connections (and the server pool)
 */
import type { Db } from '../../src/store/db.ts'
import { fmt, intEnv, log, secs, withBenchDb } from '../common.ts'
import { buildBodies, extraBody, loadTemplate, sign, type BodyPool, type Template } from './bodies.ts'
import { seedShipments } from './seed.ts'
import {
  assertClean, backendPids, cannon, combine, measured, startServer, ECHO_PATH, WEBHOOK_PATH, type RouteRun,
} from './measure.ts'

export interface WebhookRun {
  version: string
  shipments: number
  bodyBytes: { min: number; max: number }
  connections: number
  duration: number
  seedMs: number
  echo: RouteRun
  webhook: RouteRun
  replay: RouteRun
  /** webhook req/s over echo req/s. */
  ratio: number
  rounds: { echo: number; webhook: number }[]
  replayPool: number
  settings: string
}

const WARMUP = 2

/** Both routes refuse a wrongly signed body; the echo answers a signed one; the webhook applies it (7 events, 6 known) once, then calls it a duplicate. */
async function sanity(app: Awaited<ReturnType<typeof startServer>>['app'], t: Template, shipments: number): Promise<void> {
  const probe = extraBody(t, 0, shipments)
  const post = (url: string, good: boolean) => app.inject({
    method: 'POST', url, payload: probe.body,
    headers: { 'content-type': 'application/json', 'x-hmac-signature': good ? probe.signature : sign(probe.body, 'wrong secret') },
  })
  const first = await post(WEBHOOK_PATH, true)
  const body = first.json() as { outcome: string; events: number; summary: string[] }
  const again = (await post(WEBHOOK_PATH, true)).json() as { outcome: string }
  const checks: Record<string, boolean> = {
    'echo refuses a bad signature': (await post(ECHO_PATH, false)).statusCode === 401,
    'webhook refuses a bad signature': (await post(WEBHOOK_PATH, false)).statusCode === 401,
    'echo answers a signed body': (await post(ECHO_PATH, true)).body === JSON.stringify({ ok: true, id: 'evt_sanity_0' }),
    'webhook applies 7 events, 6 already known': first.statusCode === 200 && body.outcome === 'applied' && body.events === 7 &&
      body.summary.filter((l) => l.endsWith('already known')).length === 6,
    'the same body again is a duplicate': again.outcome === 'duplicate',
  }
  const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([what]) => what)
  if (failed.length) throw new Error(`webhooks sanity: ${failed.join('; ')} (first answer: ${first.statusCode} ${first.body.slice(0, 300)})`)
  log(`sanity: ${Object.keys(checks).join('; ')}: ok`)
}

export async function settingsOf(db: Db): Promise<string> {
  const rows = await db.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'autovacuum') ORDER BY name`,
  )
  return rows.map((x) => `${x.name} ${x.name === 'shared_buffers' ? `${(Number(x.setting) * 8) / 1024} MB` : x.setting}`).join(', ')
}

/** The applied bench bodies, read back (a body handed out at the very end of a run may never have been sent). */
async function appliedBodies(db: Db): Promise<number[]> {
  return (await db.query<{ i: number }>(
    `SELECT substring(dedupe_key FROM 'evt_bench_([0-9]+)$')::int AS i FROM inbound_messages
      WHERE kind = 'carrier_webhook' AND status = 'applied' AND dedupe_key LIKE 'easypost:evt_bench_%' ORDER BY message_id`,
  )).map((x) => x.i)
}

export async function runWebhookBench(): Promise<WebhookRun | null> {
  const shipments = intEnv('BENCH_WEBHOOK_SHIPMENTS', 20_000)
  const bodyCount = intEnv('BENCH_WEBHOOK_BODIES', 100_000)
  const duration = intEnv('BENCH_WEBHOOK_DURATION', 10)
  const connections = intEnv('BENCH_WEBHOOK_CONNECTIONS', 10)
  const rounds = intEnv('BENCH_WEBHOOK_ROUNDS', 2)
  const template = loadTemplate()
  const pool: BodyPool = buildBodies(template, bodyCount, shipments)
  log(`${fmt(bodyCount)} webhook bodies (${pool.minBytes}–${pool.maxBytes} bytes) built and signed`)

  return withBenchDb('postgres', { poolSize: connections }, async (b) => {
    const db = b.db
    const t = performance.now()
    await seedShipments(db, shipments, template)
    await db.query('ANALYZE inbound_messages, carrier_events')
    const seedMs = performance.now() - t
    log(`seeded ${fmt(shipments)} shipped orders in ${secs(seedMs)}`)
    const { app, url } = await startServer(db)
    try {
      await sanity(app, template, shipments)
      let next = 0
      const run = (path: string, first: number, seconds: number) => cannon({ url, path, pool, first, count: bodyCount - first, connections, duration: seconds })
      const apply = async (seconds: number): Promise<RouteRun> => {
        const x = await measured(db, await backendPids(db, connections), () => run(WEBHOOK_PATH, next, seconds))
        assertClean('webhook', x.cannon)
        next += x.cannon.used
        if (next >= bodyCount) throw new Error(`webhooks: the runs used all ${bodyCount} bodies: raise BENCH_WEBHOOK_BODIES`)
        const d = x.delta
        if (d.duplicate !== 0 || d.other !== 0 || d.applied === 0) throw new Error(`webhook run: ${d.applied} applied, ${d.duplicate} duplicates, ${d.other} other (expected every one applied)`)
        log(`  webhook: ${fmt(x.cannon.reqPerSec)} req/s, p99 ${x.cannon.p99} ms, ${fmt(d.applied)} applied, ${fmt(d.carrierEvents)} events`)
        return x
      }
      const echo = async (seconds: number): Promise<RouteRun> => {
        const x = await measured(db, [], () => run(ECHO_PATH, 0, seconds))
        assertClean('echo', x.cannon)
        log(`  echo: ${fmt(x.cannon.reqPerSec)} req/s, p99 ${x.cannon.p99} ms`)
        return x
      }
      const perRound = Math.max(1, Math.round(duration / rounds))
      assertClean('echo warm-up', await run(ECHO_PATH, 0, WARMUP))
      const wu = await run(WEBHOOK_PATH, 0, WARMUP)
      assertClean('webhook warm-up', wu)
      next = wu.used
      const parts: { echo: RouteRun; webhook: RouteRun }[] = []
      for (let i = 0; i < rounds; i++) parts.push({ echo: await echo(perRound), webhook: await apply(perRound) })

      const applied = await appliedBodies(db)
      log(`replay: ${WARMUP} s warm-up, ${duration} s over the ${fmt(applied.length)} applied bodies`)
      assertClean('replay warm-up', await cannon({ url, path: WEBHOOK_PATH, pool, first: 0, count: 0, connections, duration: WARMUP, indices: applied }))
      const replay = await measured(db, await backendPids(db, connections),
        () => cannon({ url, path: WEBHOOK_PATH, pool, first: 0, count: 0, connections, duration, indices: applied }))
      assertClean('replay', replay.cannon)
      const rd = replay.delta
      if (rd.applied !== 0 || rd.carrierEvents !== 0 || rd.other !== 0) throw new Error(`replay run: ${rd.applied} applied, ${rd.carrierEvents} events, ${rd.other} other (expected duplicates only)`)
      const e = combine(parts.map((x) => x.echo))
      const w = combine(parts.map((x) => x.webhook))
      return {
        version: b.version, shipments, bodyBytes: { min: pool.minBytes, max: pool.maxBytes }, connections, duration, seedMs,
        echo: e, webhook: w, replay, ratio: w.cannon.reqPerSec / e.cannon.reqPerSec,
        rounds: parts.map((x) => ({ echo: x.echo.cannon.reqPerSec, webhook: x.webhook.cannon.reqPerSec })),
        replayPool: applied.length, settings: await settingsOf(db),
      }
    } finally {
      await app.close()
    }
  })
}
