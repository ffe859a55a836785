/**
 * Carrier webhook ingest (issues 4 and 20) on PostgreSQL: EasyPost `tracker.updated` webhooks through
 * the real route `POST /api/carriers/easypost/webhook` against two bare routes in the same server
 * process: the baseline — the same HMAC check and one INSERT of the raw body into a table of its own
 * (issue 20's aim: the webhook route accepts ≥ 0.5× its rate) — and, for reference, a signed echo
 * without a database. Every request a distinct, correctly signed event (6 of its 7 details already
 * known, 1 new: the steady state of a tracker). Webhooks are answered once stored and applied after:
 * each webhook run is followed by its tail (until every accepted one is applied), whose length and
 * the applied rate are reported. Then a replay run of bodies already applied. Fails when a check
 * fails: the sanity probes, any non-2xx answer, a webhook not applied exactly once (one message and one
 * new carrier event each, its order's version moved on), or a replay that changed anything.
 *
 *   BENCH_WEBHOOK_SHIPMENTS=20000     orders seeded, one shipped line each, distinct tracking numbers
 *   BENCH_WEBHOOK_BODIES=100000       bodies built and signed up front (the run fails if it uses them all)
 *   BENCH_WEBHOOK_DURATION=10         measured seconds per route (after a 2 s warm-up each)
 *   BENCH_WEBHOOK_ROUNDS=2            echo, bare and webhook in that many interleaved rounds
 *   BENCH_WEBHOOK_CONNECTIONS=10      autocannon connections (and the server pool)
 */
import type { Db } from '../../src/store/db.ts'
import { fmt, intEnv, log, secs, withBenchDb } from '../common.ts'
import { buildBodies, extraBody, loadTemplate, sign, type BodyPool, type Template } from './bodies.ts'
import { seedShipments } from './seed.ts'
import {
  assertClean, backendPids, cannon, combine, measured, startServer, tail, BARE_PATH, ECHO_PATH, WEBHOOK_PATH, type RouteRun,
} from './measure.ts'
import { checkApplied, messageOf } from './checks.ts'

export interface WebhookRun {
  version: string
  shipments: number
  bodyBytes: { min: number; max: number }
  connections: number
  duration: number
  seedMs: number
  echo: RouteRun
  /** The baseline: HMAC + one INSERT of the raw body. */
  bare: RouteRun
  webhook: RouteRun
  replay: RouteRun
  /** webhook req/s over bare (verify + INSERT) req/s: the figure issue 20 aims at (≥ 0.5×). */
  ratio: number
  /** webhook req/s over echo req/s (for reference; the issue 4 figure). */
  echoRatio: number
  /** Accepted webhooks over the runs and their tails: the rate wismo applies them at, load and tail together. */
  appliedPerSec: number
  rounds: { echo: number; bare: number; webhook: number; tailMs: number }[]
  replayPool: number
  settings: string
}

const WARMUP = 2

/**
 * The three routes refuse a wrongly signed body; the echo answers a signed one; the bare route stores
 * it; the webhook answers it 202 accepted (7 events read) and applies it after (6 of them known),
 * once; the same body again is a duplicate.
 */
async function sanity(db: Db, app: Awaited<ReturnType<typeof startServer>>['app'], t: Template, shipments: number): Promise<void> {
  const probe = extraBody(t, 0, shipments)
  const post = (url: string, good: boolean) => app.inject({
    method: 'POST', url, payload: probe.body,
    headers: { 'content-type': 'application/json', 'x-hmac-signature': good ? probe.signature : sign(probe.body, 'wrong secret') },
  })
  const first = await post(WEBHOOK_PATH, true)
  const body = first.json() as { outcome: string; events: number; messageId: number }
  await tail(db)
  const stored = await messageOf(db, body.messageId)
  const again = (await post(WEBHOOK_PATH, true)).json() as { outcome: string }
  const checks: Record<string, boolean> = {
    'echo refuses a bad signature': (await post(ECHO_PATH, false)).statusCode === 401,
    'bare route refuses a bad signature': (await post(BARE_PATH, false)).statusCode === 401,
    'webhook refuses a bad signature': (await post(WEBHOOK_PATH, false)).statusCode === 401,
    'echo answers a signed body': (await post(ECHO_PATH, true)).body === JSON.stringify({ ok: true, id: 'evt_sanity_0' }),
    'bare route stores a signed body': (await post(BARE_PATH, true)).statusCode === 200,
    'webhook answers 202 accepted, 7 events read': first.statusCode === 202 && body.outcome === 'accepted' && body.events === 7,
    'then applies them, 6 already known': stored?.status === 'applied' && (stored.summary ?? []).filter((l) => l.endsWith('already known')).length === 6,
    'the same body again is a duplicate': again.outcome === 'duplicate',
  }
  const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([what]) => what)
  if (failed.length) throw new Error(`webhooks sanity: ${failed.join('; ')} (first answer: ${first.statusCode} ${first.body.slice(0, 300)}; stored ${JSON.stringify(stored)})`)
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
      await sanity(db, app, template, shipments)
      let next = 0
      const run = (path: string, first: number, seconds: number) => cannon({ url, path, pool, first, count: bodyCount - first, connections, duration: seconds })
      const apply = async (seconds: number): Promise<RouteRun> => {
        const first = next
        const x = await measured(db, await backendPids(db, connections), () => run(WEBHOOK_PATH, next, seconds), true)
        assertClean('webhook', x.cannon)
        next += x.cannon.used
        if (next >= bodyCount) throw new Error(`webhooks: the runs used all ${bodyCount} bodies: raise BENCH_WEBHOOK_BODIES`)
        // Body i is tracking number i mod shipments: the first pass over them bumps each order once.
        checkApplied('webhook run', x.delta, x.cannon.ok, x.cannon.used, next <= shipments && first < shipments)
        log(`  webhook: ${fmt(x.cannon.reqPerSec)} req/s, p50 ${x.cannon.p50} ms, p99 ${x.cannon.p99} ms; ${fmt(x.delta.applied)} accepted, ` +
          `${fmt(x.appliedAtStop)} applied when the load stopped, all applied ${fmt(x.tailMs)} ms later; ${fmt(x.delta.carrierEvents)} events, ${fmt(x.delta.versionBumps)} version bumps`)
        return x
      }
      const bare = async (seconds: number): Promise<RouteRun> => {
        const x = await measured(db, await backendPids(db, connections), () => run(BARE_PATH, 0, seconds))
        assertClean('bare', x.cannon)
        if (x.delta.bareRows < x.cannon.ok || x.delta.bareRows > x.cannon.used) throw new Error(`bare run: ${x.delta.bareRows} rows for ${x.cannon.ok} answered`)
        log(`  bare (verify + INSERT): ${fmt(x.cannon.reqPerSec)} req/s, p50 ${x.cannon.p50} ms, p99 ${x.cannon.p99} ms`)
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
      assertClean('bare warm-up', await run(BARE_PATH, 0, WARMUP))
      const wu = await run(WEBHOOK_PATH, 0, WARMUP)
      assertClean('webhook warm-up', wu)
      next = wu.used
      await tail(db)
      const parts: { echo: RouteRun; bare: RouteRun; webhook: RouteRun }[] = []
      for (let i = 0; i < rounds; i++) parts.push({ echo: await echo(perRound), bare: await bare(perRound), webhook: await apply(perRound) })

      const applied = await appliedBodies(db)
      log(`replay: ${WARMUP} s warm-up, ${duration} s over the ${fmt(applied.length)} applied bodies`)
      assertClean('replay warm-up', await cannon({ url, path: WEBHOOK_PATH, pool, first: 0, count: 0, connections, duration: WARMUP, indices: applied }))
      const replay = await measured(db, await backendPids(db, connections),
        () => cannon({ url, path: WEBHOOK_PATH, pool, first: 0, count: 0, connections, duration, indices: applied }))
      assertClean('replay', replay.cannon)
      const rd = replay.delta
      if (rd.applied !== 0 || rd.carrierEvents !== 0 || rd.other !== 0 || rd.versionBumps !== 0) {
        throw new Error(`replay run: ${rd.applied} applied, ${rd.carrierEvents} events, ${rd.versionBumps} version bumps, ${rd.other} other (expected duplicates only)`)
      }
      const e = combine(parts.map((x) => x.echo))
      const bb = combine(parts.map((x) => x.bare))
      const w = combine(parts.map((x) => x.webhook))
      const tails = parts.reduce((a, x) => a + x.webhook.tailMs, 0)
      return {
        version: b.version, shipments, bodyBytes: { min: pool.minBytes, max: pool.maxBytes }, connections, duration, seedMs,
        echo: e, bare: bb, webhook: w, replay, ratio: w.cannon.reqPerSec / bb.cannon.reqPerSec, echoRatio: w.cannon.reqPerSec / e.cannon.reqPerSec,
        appliedPerSec: w.delta.applied / (w.cannon.duration + tails / 1000),
        rounds: parts.map((x) => ({ echo: x.echo.cannon.reqPerSec, bare: x.bare.cannon.reqPerSec, webhook: x.webhook.cannon.reqPerSec, tailMs: x.webhook.tailMs })),
        replayPool: applied.length, settings: await settingsOf(db),
      }
    } finally {
      await app.close()
    }
  })
}
