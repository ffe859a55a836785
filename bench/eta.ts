/**
 * How often wismo's dates come true on a simulated year (issue 17, DESIGN.md "Truthful dates"):
 * `wismo simulate --days 365` writes a made-up retailer's year, `wismo replay` plays it into a
 * fresh embedded database once per ETA target (and once with learning off: the rules alone), and
 * `wismo accuracy --json` reports the second half. Each replay is its own `wismo` process (the
 * target is an environment variable), two at a time on this machine's two cores.
 *
 *   BENCH_ETA_DAYS=365  BENCH_ETA_SEED=1  BENCH_ETA_ORDERS_PER_DAY=6
 *   BENCH_ETA_TARGETS=0.8,0.9,0.95       plus a run with WISMO_ETA_LEARNING=off
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { addCalendarDays } from '../src/domain/calendar.ts'
import { today } from './common.ts'

export const ETA_HEADING = '## Truthful dates on a simulated year (issue 17)'

const WISMO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'wismo.js')
const NOW = '2026-12-01T12:00:00Z'

interface Figures { lines: number; onTime: number | null; inWindow: number | null; medianPaddingDays: number | null; medianWidthDays: number | null; lateDaysP90: number | null }
type Milestones = Record<'ordered' | 'shipped' | 'last', Figures>

export interface EtaRun { label: string; target: number | null; secs: number; code: number; half: Milestones; sources: { key: string; milestones: Milestones }[] }
export interface EtaBench { days: number; seed: number; perDay: number; orders: number; lines: number; files: number; from: string; mid: string; to: string; runs: EtaRun[] }

function wismo(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WISMO, ...args], { env: { ...process.env, WISMO_NOW: NOW, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => resolve({ code: code ?? 1, out, err }))
  })
}

async function replayOnce(root: string, history: string, label: string, target: number | null, mid: string, to: string): Promise<EtaRun> {
  const dir = path.join(root, label)
  const env = { WISMO_OUTBOX_DIR: path.join(dir, 'outbox'), WISMO_ETA_TARGET: String(target ?? 0.9), WISMO_ETA_LEARNING: target === null ? 'off' : 'on' }
  const t0 = performance.now()
  const r = await wismo(['replay', history, '--db', path.join(dir, 'data'), '--json'], env)
  const secs = (performance.now() - t0) / 1000
  if (r.code !== 0) throw new Error(`eta: replay (${label}) exited ${r.code}: ${r.err.slice(0, 400)}`)
  const a = await wismo(['accuracy', '--from', mid, '--to', to, '--json', '--db', path.join(dir, 'data')], env)
  const s = await wismo(['accuracy', '--from', mid, '--to', to, '--by', 'source', '--json', '--db', path.join(dir, 'data')], env)
  if (a.code !== 0 || s.code !== 0) throw new Error(`eta: accuracy (${label}) failed: ${a.err}${s.err}`)
  return { label, target, secs, code: r.code, half: JSON.parse(a.out).milestones, sources: JSON.parse(s.out).by }
}

/** Runs `jobs` at most `width` at a time, in order. */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length)
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) {
      const i = next++
      out[i] = await jobs[i]()
    }
  }))
  return out
}

export async function benchEta(): Promise<EtaBench> {
  const days = Number(process.env.BENCH_ETA_DAYS ?? 365)
  const seed = Number(process.env.BENCH_ETA_SEED ?? 1)
  const perDay = Number(process.env.BENCH_ETA_ORDERS_PER_DAY ?? 6)
  const targets = (process.env.BENCH_ETA_TARGETS ?? '0.8,0.9,0.95').split(',').map(Number)
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-bench-eta-'))
  try {
    const history = path.join(root, 'history')
    const sim = await wismo(['simulate', '--days', String(days), '--seed', String(seed), '--orders-per-day', String(perDay), '--out', history], {})
    if (sim.code !== 0) throw new Error(`eta: simulate exited ${sim.code}: ${sim.err}`)
    const info = JSON.parse(fs.readFileSync(path.join(history, 'simulation.json'), 'utf8'))
    const from: string = info.start
    const to: string = info.end ?? addCalendarDays(from, days - 1)
    const mid = addCalendarDays(from, Math.floor(days / 2))
    const files = fs.readFileSync(path.join(history, 'manifest.csv'), 'utf8').trim().split('\n').length - 1
    const { orders, lines } = info.counts as { orders: number; lines: number }
    const jobs = [...targets.map((t) => () => replayOnce(root, history, `target-${t}`, t, mid, to)), () => replayOnce(root, history, 'rules', null, mid, to)]
    const runs = await pool(jobs, Math.max(1, Math.min(2, os.cpus().length)))
    return { days, seed, perDay, orders, lines, files, from, mid, to, runs }
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}

const pct = (v: number | null): string => (v === null ? '–' : `${(100 * v).toFixed(1)}%`)
const num = (v: number | null): string => (v === null ? '–' : String(v))

function row(r: EtaRun, m: 'ordered' | 'shipped' | 'last'): string {
  const f = r.half[m]
  return `| ${r.target === null ? 'rules only (learning off)' : r.target} | ${m} | ${f.lines} | ${pct(f.inWindow)} | ${pct(f.onTime)} | ${num(f.medianWidthDays)} | ${num(f.medianPaddingDays)} | ${num(f.lateDaysP90)} |`
}

/** The section of docs/benchmarks.md. */
export function etaSection(b: EtaBench, machine: string): string {
  const rows = b.runs.flatMap((r) => (['ordered', 'shipped', 'last'] as const).map((m) => row(r, m)))
  const times = b.runs.map((r) => `${r.label} ${r.secs.toFixed(0)} s`).join(', ')
  return `${ETA_HEADING}

Measured ${today()} with \`BENCH_SUITES=eta npm run bench\` (bench/eta.ts): \`wismo simulate --days ${b.days} --seed ${b.seed}
--orders-per-day ${b.perDay}\` (${b.orders} orders, ${b.lines} lines, ${b.files} files, ${b.from} to ${b.to}), replayed by
\`wismo replay\` into a fresh embedded database once per \`WISMO_ETA_TARGET\` and once with \`WISMO_ETA_LEARNING=off\`
(today's rules alone); the figures are \`wismo accuracy --from ${b.mid} --to ${b.to} --json\`: the lines delivered in the
second half (docs/accuracy.md explains each column). Replay times: ${times}.

${machine}

| target | milestone | lines | in window | on time | median width (days) | median padding (days) | p90 days late |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`
}

async function run(): Promise<void> {
  const b = await benchEta()
  console.log(etaSection(b, `load ${os.loadavg()[0].toFixed(1)}`))
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
