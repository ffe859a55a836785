/**
 * How fast `wismo replay` plays a history: the demo generator's 45 days (N orders, their supplier
 * feeds and carrier files) written as a replay folder, then replayed into a fresh embedded
 * database through the command line's own entry point.
 *
 *   node --import tsx bench/replay.ts [ORDERS=300] [--sweep-every 6h]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { generateDemo } from '../src/demo/generate.ts'
import { ordersOf } from '../src/demo/replay-plan.ts'
import { main } from '../src/main.ts'
import { today } from './common.ts'

const HOUR = 3_600_000

/** Writes the demo as DIR/manifest.csv and its files: orders grouped by the hour they were placed in. */
export function writeDemoHistory(dir: string, orders: number, now: Date): { rows: number } {
  const data = generateDemo({ now, orders })
  const manifest = ['at,kind,file,supplier']
  const put = (file: string, text: string, at: Date, kind: string, supplier = '') => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), text)
    manifest.push(`${at.toISOString()},${kind},${file},${supplier}`)
  }
  const { header, orders: placed } = ordersOf(data.csv.orders)
  const first = placed.reduce((t, o) => (o.placedAt < t ? o.placedAt : t), now)
  for (const kind of ['suppliers', 'products', 'offers', 'equivalents'] as const) put(`catalog/${kind}.csv`, data.csv[kind], new Date(first.getTime() - HOUR), kind)
  const byHour = new Map<number, { at: Date; rows: string[] }>()
  for (const o of placed) {
    const key = Math.floor(o.placedAt.getTime() / HOUR)
    const g = byHour.get(key) ?? byHour.set(key, { at: o.placedAt, rows: [] }).get(key)!
    if (o.placedAt > g.at) g.at = o.placedAt
    g.rows.push(...o.rows)
  }
  for (const [key, g] of byHour) put(`orders/${key}.csv`, `${header}\n${g.rows.join('\n')}\n`, g.at, 'orders')
  data.feeds.forEach((f, i) => {
    if (f.kind === 'supplier') put(`feeds/${i}-${f.filename}`, f.body, f.receivedAt, 'feed', f.supplierId ?? '')
    else put(`carrier/${i}-${f.filename}`, f.body, f.receivedAt, 'carrier')
  })
  fs.writeFileSync(path.join(dir, 'manifest.csv'), `${manifest.join('\n')}\n`)
  return { rows: manifest.length - 1 }
}

export const REPLAY_HEADING = '## Replay (issue 17)'

export interface ReplayBench { orders: number; files: number; every: string; code: number; secs: number; messages: number }

/** Writes the demo's history for `orders` orders and replays it into a fresh embedded database through `main`. */
export async function benchReplay(orders = Number(process.env.BENCH_REPLAY_ORDERS ?? 300), every = '6h'): Promise<ReplayBench> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-bench-replay-'))
  const outbox = process.env.WISMO_OUTBOX_DIR
  try {
    const { rows } = writeDemoHistory(path.join(root, 'history'), orders, new Date('2026-11-30T17:00:00Z'))
    process.env.WISMO_OUTBOX_DIR = path.join(root, 'outbox')
    const t0 = performance.now()
    const code = await main(['replay', path.join(root, 'history'), '--db', path.join(root, 'data'), '--sweep-every', every, '--json'], { out: () => {}, err: () => {} })
    const secs = (performance.now() - t0) / 1000
    const messages = fs.existsSync(process.env.WISMO_OUTBOX_DIR) ? fs.readdirSync(process.env.WISMO_OUTBOX_DIR).length : 0
    return { orders, files: rows, every, code, secs, messages }
  } finally {
    if (outbox === undefined) delete process.env.WISMO_OUTBOX_DIR
    else process.env.WISMO_OUTBOX_DIR = outbox
    fs.rmSync(root, { recursive: true, force: true })
  }
}

/** The section of docs/benchmarks.md. */
export function replaySection(r: ReplayBench, machine: string): string {
  return `${REPLAY_HEADING}

Measured ${today()} with \`BENCH_SUITES=replay npm run bench\` (bench/replay.ts): the demo generator's 45 days for
${r.orders} orders written as a replay folder (${r.files} files), then \`wismo replay DIR --sweep-every ${r.every} --json\` into a fresh
embedded database through the command line's entry point, database creation included.

${machine}

| orders | files | sweep every | exit | seconds | orders/s | files/s | messages |
|---|---|---|---|---|---|---|---|
| ${r.orders} | ${r.files} | ${r.every} | ${r.code} | ${r.secs.toFixed(1)} | ${(r.orders / r.secs).toFixed(1)} | ${(r.files / r.secs).toFixed(1)} | ${r.messages} |
`
}

async function run(): Promise<void> {
  const r = await benchReplay(Number(process.argv[2] ?? 300), process.argv.includes('--sweep-every') ? process.argv[process.argv.indexOf('--sweep-every') + 1] : '6h')
  console.log(`replay of ${r.orders} orders (${r.files} files, 45 days, a sweep every ${r.every}): exit ${r.code}, ${r.secs.toFixed(1)} s, ` +
    `${(r.orders / r.secs).toFixed(1)} orders/s, ${(r.files / r.secs).toFixed(1)} files/s, ${r.messages} messages in the outbox`)
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
