/**
 * Plays the demo's days through wismo's real doors, each step with its own time: orders through
 * `importCsv` when they were placed, feeds through `ingestSupplierFeed` and carrier files through
 * `ingestMessage` when they were received, and the sweep (with its outreach), the supplier check
 * and the dispatcher as `wismo sweep` runs them — so notices, cancellations and messages carry
 * the times a running wismo would have given them.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../store/db.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { localDay } from '../domain/calendar.ts'
import { importCsv } from '../store/import/import-csv.ts'
import { ingestSupplierFeed } from '../feeds/ingest-file.ts'
import type { IngestOutcome } from '../store/inbound.ts'
import { ingestCarrierFile } from '../carriers/ingest-carrier-file.ts'
import { sweepPassAt } from '../jobs/replay-steps.ts'
import type { SignedConfig } from '../outreach/outreach-config.ts'
import type { DemoFeed } from './feeds.ts'
import type { ReplayStep } from './replay-plan.ts'
import { plannedAnswers, recordAnswer, type PendingAnswer } from './answers.ts'

export interface ReplayEnv {
  db: Db
  config: SignedConfig
  calendar: CalendarConfig
  /** The orders CSV's header line. */
  header: string
  dir: string
  seed: number
  now: Date
  /** Orders whose customers always wait (the demo's examples stay open, as described). */
  patientOrders: Set<string>
  log: (s: string) => void
}

export interface ReplayCounts {
  sweeps: number
  notices: number
  cancelled: number
  sent: number
  answers: number
}

function ingestOne(db: Db, f: DemoFeed): Promise<IngestOutcome> {
  const body = Buffer.from(f.body, 'utf8')
  if (f.kind === 'supplier') {
    return ingestSupplierFeed(db, { body, filename: f.filename, supplierId: f.supplierId, source: 'demo', receivedAt: f.receivedAt })
  }
  return ingestCarrierFile(db, { body, filename: f.filename, source: 'demo', receivedAt: f.receivedAt })
}

/** Every feed must apply (the demo is ours): one that does not is a bug in the generator. */
async function ingestFeed(env: ReplayEnv, f: DemoFeed): Promise<void> {
  const outcome = await ingestOne(env.db, f)
  if (outcome.outcome !== 'applied') {
    const why = outcome.outcome === 'quarantined' ? outcome.reason : `duplicate of message ${outcome.duplicateOf}`
    throw new Error(`demo: ${f.filename} was not applied: ${why}`)
  }
}

async function importOrders(env: ReplayEnv, at: Date, rows: string[]): Promise<void> {
  const file = path.join(env.dir, 'orders.csv')
  await fs.writeFile(file, `${env.header}\n${rows.join('\n')}\n`)
  await importCsv(env.db, 'orders', file, { now: at })
}

/** One pass as `wismo sweep` makes it, at `at` (src/jobs/replay-steps.ts). */
async function sweepAt(env: ReplayEnv, at: Date, supplierCheck: boolean, counts: ReplayCounts): Promise<void> {
  const pass = await sweepPassAt(env, at, supplierCheck)
  counts.sweeps++
  counts.notices += pass.notices
  counts.cancelled += pass.cancelled
  counts.sent += pass.sent
}

/** Runs the steps in order; the database then holds the demo as wismo lived it. */
export async function replay(env: ReplayEnv, steps: ReplayStep[]): Promise<ReplayCounts> {
  const counts: ReplayCounts = { sweeps: 0, notices: 0, cancelled: 0, sent: 0, answers: 0 }
  let pending: PendingAnswer[] = []
  let day = ''
  for (const s of steps) {
    // The customers who answered before this step, in the order they did.
    const due = pending.filter((a) => a.at <= s.at)
    pending = pending.filter((a) => a.at > s.at)
    for (const a of due) if (await recordAnswer(env.db, a, env.calendar)) counts.answers++
    const today = localDay(s.at, env.calendar)
    if (today !== day && counts.sweeps > 0) env.log(`replayed up to ${today}: ${counts.sweeps} sweeps, ${counts.notices} notices, ${counts.sent} messages sent`)
    day = today
    if (s.kind === 'orders') await importOrders(env, s.at, s.rows)
    else if (s.kind === 'feed') await ingestFeed(env, s.feed)
    else {
      await sweepAt(env, s.at, s.supplierCheck, counts)
      const ctx = { at: s.at, now: env.now, seed: env.seed, calendar: env.calendar, waitOrders: env.patientOrders }
      pending = [...pending, ...(await plannedAnswers(env.db, ctx))].sort((a, b) => a.at.getTime() - b.at.getTime() || a.noticeId - b.noticeId)
    }
  }
  return counts
}


/** A scratch folder for the CSVs the replay imports, removed afterwards. */
export async function withScratchDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wismo-demo-'))
  try {
    return await run(dir)
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}
