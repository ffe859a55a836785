import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb } from '../../src/store/db.ts'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'

let root: string
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-simulate-'))
})
after(() => fs.rmSync(root, { recursive: true, force: true }))

const NOW = { WISMO_NOW: '2026-12-07T15:00:00Z' }

/** One hash over every file's path and bytes. */
function hashFolder(dir: string): string {
  const h = createHash('sha256')
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]))
  for (const f of walk(dir).sort()) h.update(path.relative(dir, f)).update('\0').update(fs.readFileSync(f))
  return h.digest('hex')
}

test('wismo simulate: the same arguments write the same bytes; another seed another folder; the history ends the day before now', { timeout: 120_000 }, async () => {
  const run = (name: string, seed: string) => runWismo(['simulate', '--days', '30', '--seed', seed, '--out', path.join(root, name)], NOW)
  const [a, b, c] = [await run('a', '7'), await run('b', '7'), await run('c', '8')]
  for (const r of [a, b, c]) assert.equal(r.code, 0, r.stderr)
  assert.match(a.stdout, /^simulated 30 days from 2026-11-07 to 2026-12-06 \(seed 7, America\/New_York\): \d+ suppliers, \d+ products, \d+ orders/)
  assert.equal(hashFolder(path.join(root, 'a')), hashFolder(path.join(root, 'b')))
  assert.notEqual(hashFolder(path.join(root, 'a')), hashFolder(path.join(root, 'c')))
  const sim = JSON.parse(fs.readFileSync(path.join(root, 'a', 'simulation.json'), 'utf8'))
  assert.deepEqual([sim.days, sim.seed, sim.start, sim.end], [30, 7, '2026-11-07', '2026-12-06'])
})

test('wismo simulate refuses bad input with a one-line reason: exit 1 for a bad value or a non-empty folder, 2 for a missing option', { timeout: 180_000 }, async () => {
  const zero = await runWismo(['simulate', '--days', '0', '--out', path.join(root, 'zero')], NOW)
  assert.equal(zero.code, 1)
  assert.equal(zero.stderr.trim(), '--days: expected a whole number from 1 to 3660 (got "0")')
  assert.equal(fs.existsSync(path.join(root, 'zero')), false)

  const noOut = await runWismo(['simulate', '--days', '10'], NOW)
  assert.equal(noOut.code, 2)
  assert.match(noOut.stderr, /^simulate: --out DIR is required\nusage: wismo simulate/)
  assert.equal((await runWismo(['simulate', '--out', path.join(root, 'x')], NOW)).code, 2)

  const full = path.join(root, 'full')
  fs.mkdirSync(full)
  fs.writeFileSync(path.join(full, 'keep.txt'), 'mine')
  const refused = await runWismo(['simulate', '--days', '10', '--out', full], NOW)
  assert.equal(refused.code, 1)
  assert.equal(refused.stderr.trim(), `--out ${full}: the folder is not empty (1 entry); give a new or empty folder`)
  assert.deepEqual(fs.readdirSync(full), ['keep.txt'])

  const start = await runWismo(['simulate', '--days', '10', '--start', '2026-02-30', '--out', path.join(root, 's')], NOW)
  assert.equal(start.code, 1)
  assert.equal(start.stderr.trim(), '--start: expected a date YYYY-MM-DD (got "2026-02-30")')
})

interface DbLine { order_number: string; line_no: number; state: string; cancel_reason: string | null; carrier: string | null; service: string | null; delivered_day: string | null }

test('a simulated 35 days replays with nothing quarantined; every line the truth delivered is delivered on that day (store zone) with that carrier', { timeout: 900_000 }, async () => {
  const dir = path.join(root, 'replayable')
  const sim = await runWismo(['simulate', '--days', '35', '--seed', '3', '--orders-per-day', '8', '--out', dir], NOW)
  assert.equal(sim.code, 0, sim.stderr)
  const env: Record<string, string> = { ...(await freshDbEnv(path.join(root, 'replay-db'))), WISMO_OUTBOX_DIR: path.join(root, 'outbox') }
  const r = await runWismo(['replay', dir, '--json'], env)
  assert.equal(r.code, 0, r.stderr)
  const files = fs.readFileSync(path.join(dir, 'manifest.csv'), 'utf8').trim().split('\n').length - 1
  assert.match(r.stderr, new RegExp(`${files} files .*: ${files} applied, 0 duplicates \\(already taken in\\), 0 quarantined`))

  const db = await openDb({ url: env.DATABASE_URL, dataDir: env.WISMO_DATA_DIR })
  let lines: DbLine[]
  let learned: { models: number; based: number; bases: string[]; levels: { ordered: number; shipped: number } }
  let open: { order_number: string }[]
  try {
    // The model was learned each replayed day (the first sweep of the day), and once more at the end.
    const [m] = await db.query<{ models: number; levels: { ordered: number; shipped: number } }>(
      `SELECT count(*)::int AS models, (array_agg(model->'levels' ORDER BY as_of DESC))[1] AS levels FROM eta_models`)
    const bases = await db.query<{ eta_basis: string }>('SELECT DISTINCT eta_basis FROM line_state_history WHERE eta_basis IS NOT NULL ORDER BY 1')
    learned = { models: m.models, based: bases.length, bases: bases.map((b) => b.eta_basis), levels: m.levels }
    open = await db.query<{ order_number: string }>(
      `SELECT DISTINCT o.order_number FROM order_lines l JOIN orders o USING (order_id) WHERE l.state = 'processing' ORDER BY 1 LIMIT 5`)
    lines = await db.query<DbLine>(
      `SELECT o.order_number, l.line_no, l.state, l.cancel_reason, s.carrier, s.service,
              (SELECT to_char(max(e.occurred_at) AT TIME ZONE 'America/New_York', 'YYYY-MM-DD') FROM carrier_events e
                WHERE e.tracking_number = s.tracking_number AND e.status = 'delivered') AS delivered_day
         FROM order_lines l JOIN orders o USING (order_id) LEFT JOIN shipments s ON s.order_line_id = l.order_line_id`)
  } finally {
    await db.close()
  }
  const byKey = new Map(lines.map((l) => [`${l.order_number}/${l.line_no}`, l]))
  const [header, ...rows] = fs.readFileSync(path.join(dir, 'truth.csv'), 'utf8').trim().split('\n').map((l) => l.split(','))
  const col = (name: string) => header.indexOf(name)
  assert.equal(byKey.size, rows.length, 'every simulated line is in the database')
  const delivered = rows.filter((t) => t[col('delivered_day')])
  assert.ok(delivered.length > 100, `${delivered.length} delivered`)
  const cancelled: string[] = []
  for (const t of delivered) {
    const key = `${t[col('order_number')]}/${t[col('line_no')]}`
    const line = byKey.get(key)!
    // Nobody answers a delay notice in a replay: a line whose stated date lapsed unshipped is
    // cancelled under the FTC rule (reason no_consent), and the supplier's later shipment of it
    // is not taken as the line's. Every other line: the same parcel, delivered the same day.
    if (line.state === 'cancelled' && line.cancel_reason === 'no_consent') {
      cancelled.push(key)
      continue
    }
    assert.deepEqual([line.state, line.delivered_day, line.carrier, line.service], ['delivered', t[col('delivered_day')], t[col('carrier')], t[col('service')]], key)
  }
  assert.ok(cancelled.length < 0.1 * delivered.length, `${cancelled.length} of ${delivered.length} cancelled for want of consent`)

  // Learned dates (issue 17): a model per replayed day once there was history, windows that name their basis.
  assert.ok(learned.models >= 25, `${learned.models} models learned`)
  for (const level of Object.values(learned.levels)) assert.ok(level >= 0.5 && level <= 0.995, `level ${level}`)
  assert.ok(learned.bases.some((b) => /hand-off, \d+ orders(, with [^;]+)?; lane US \w* ?→ US \w* ?all services, \d+ parcels/.test(b)), learned.bases.slice(0, 5).join('\n'))
  assert.ok(learned.bases.some((b) => /^lane US \w+ → US \w+ (ground|2day|3day|next_day|priority|default)\b/.test(b)), learned.bases.slice(0, 5).join('\n'))
  const end = JSON.parse(fs.readFileSync(path.join(dir, 'simulation.json'), 'utf8')).end as string
  const status = await runWismo(['status', open[0].order_number, '--json'], { ...env, WISMO_NOW: `${end}T23:00:00Z` })
  assert.equal(status.code, 0, status.stderr)
  const etas = (JSON.parse(status.stdout).lines as { eta: { basis?: string } | null }[]).map((l) => l.eta).filter((e) => e !== null)
  assert.ok(etas.some((e) => typeof e!.basis === 'string' && e!.basis.length > 0), JSON.stringify(etas))
})
