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

async function run(): Promise<void> {
  const orders = Number(process.argv[2] ?? 300)
  const every = process.argv.includes('--sweep-every') ? process.argv[process.argv.indexOf('--sweep-every') + 1] : '6h'
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-bench-replay-'))
  try {
    const { rows } = writeDemoHistory(path.join(root, 'history'), orders, new Date('2026-11-30T17:00:00Z'))
    process.env.WISMO_OUTBOX_DIR = path.join(root, 'outbox')
    const t0 = performance.now()
    const code = await main(['replay', path.join(root, 'history'), '--db', path.join(root, 'data'), '--sweep-every', every, '--json'], { out: () => {}, err: (s) => console.error(s) })
    const secs = (performance.now() - t0) / 1000
    const mail = fs.existsSync(process.env.WISMO_OUTBOX_DIR) ? fs.readdirSync(process.env.WISMO_OUTBOX_DIR).length : 0
    console.log(`replay of ${orders} orders (${rows} files, 45 days, a sweep every ${every}): exit ${code}, ${secs.toFixed(1)} s, ` +
      `${(orders / secs).toFixed(1)} orders/s, ${(rows / secs).toFixed(1)} files/s, ${mail} messages in the outbox`)
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
