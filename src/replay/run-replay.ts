/**
 * Plays a replay plan (src/replay/plan.ts) through the doors a live wismo uses: each file through
 * the same function as `wismo import`, `wismo ingest` or `wismo ingest-carrier` with its arrival
 * time, each sweep through the shared pass (src/jobs/replay-steps.ts) at its boundary.
 *
 * Run twice, a replay changes nothing: every file is stored once (the second copy is a duplicate),
 * and a sweep never runs at or before the last moment a replay already swept this database
 * (kept in `settings`), since a pass at an earlier time over later facts would rewrite history.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Db } from '../store/db.ts'
import type { IngestOutcome } from '../store/inbound.ts'
import { importFile } from '../store/import/import-file.ts'
import { ingestSupplierFeed } from '../feeds/ingest-file.ts'
import { ingestCarrierFile } from '../carriers/ingest-carrier-file.ts'
import { sweepPassAt, type PassEnv } from '../jobs/replay-steps.ts'
import { learnEtas, learnSettings } from '../jobs/learn-etas.ts'
import type { Arrival } from './manifest.ts'
import type { ReplayStep } from './plan.ts'

/** The `settings` row holding the last moment a replay swept this database. */
export const SWEPT_UNTIL = 'replay_swept_until'

type Outcome = 'applied' | 'duplicate' | 'quarantined'

export interface ReplaySummary {
  /** Files by outcome. */
  files: Record<Outcome, number>
  /** Each quarantined file with its reason. */
  quarantined: { file: string; line: number; reason: string }[]
  sweeps: number
  /** Sweeps left out: at or before the moment this database was already replayed to. */
  sweepsSkipped: number
  notices: number
  /** Messages queued (customers' and suppliers' status requests) and delivered to the outbox. */
  queued: number
  sent: number
  /** The store day of the ETA model learned at the end. */
  learned?: string
}

async function applyArrival(db: Db, a: Arrival): Promise<IngestOutcome<unknown>> {
  const source = 'replay'
  if (a.kind === 'feed' || a.kind === 'carrier') {
    const body = await fs.readFile(a.path)
    if (a.kind === 'carrier') return ingestCarrierFile(db, { body, filename: path.basename(a.file), source, receivedAt: a.at })
    return ingestSupplierFeed(db, { body, filename: a.file, supplierId: a.supplier, source, receivedAt: a.at })
  }
  return importFile(db, a.kind, a.path, { now: a.at })
}

async function sweptUntil(db: Db): Promise<number> {
  const [row] = await db.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [SWEPT_UNTIL])
  return row ? new Date(row.value).getTime() : -Infinity
}

async function noteSwept(db: Db, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value
      WHERE settings.value::timestamptz < excluded.value::timestamptz`,
    [SWEPT_UNTIL, at.toISOString()],
  )
}

/** Plays the steps in order; `onStep` is told after each one (a progress bar). */
export async function runReplay(env: PassEnv, steps: ReplayStep[], onStep: (done: number) => void = () => {}): Promise<ReplaySummary> {
  const sum: ReplaySummary = { files: { applied: 0, duplicate: 0, quarantined: 0 }, quarantined: [], sweeps: 0, sweepsSkipped: 0, notices: 0, queued: 0, sent: 0 }
  const before = await sweptUntil(env.db)
  let done = 0
  for (const step of steps) {
    if (step.kind === 'arrival') {
      const o = await applyArrival(env.db, step.arrival)
      sum.files[o.outcome]++
      if (o.outcome === 'quarantined') sum.quarantined.push({ file: step.arrival.file, line: step.arrival.line, reason: o.reason })
    } else if (step.at.getTime() <= before) {
      sum.sweepsSkipped++
    } else {
      const pass = await sweepPassAt(env, step.at, true)
      await noteSwept(env.db, step.at)
      sum.sweeps++
      sum.notices += pass.notices
      sum.queued += pass.queued
      sum.sent += pass.sent
    }
    onStep(++done)
  }
  // The model is learned again from everything replayed (DESIGN.md: "and at the end of a replay"),
  // so the backtested wismo starts with what this history teaches.
  const last = steps.length > 0 ? stepAt(steps[steps.length - 1]) : null
  const settings = learnSettings(env.config)
  if (last && last.getTime() > before && settings) sum.learned = (await learnEtas(env.db, last, env.calendar, settings, true)).asOf
  return sum
}

const stepAt = (s: ReplayStep): Date => s.at
