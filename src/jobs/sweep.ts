import type { Db, Queryable } from '../store/db.ts'
import { loadLineSnapshots, type LineSnapshot } from '../store/order-snapshot.ts'
import { deriveLine, type HistoryCache } from '../status/order-status.ts'
import type { LineStatus } from '../domain/line-state.ts'
import { FINAL_STATES, nextCheckAt, type PolicyContext } from '../domain/sweep-policy.ts'
import { describeCause } from './sweep-text.ts'
import { syncTasks, type LineUpdate } from './sweep-tasks.ts'
import { readViewHeads, writeOrderViews } from './sweep-views.ts'
import { noteViewsStored } from '../status/view-cache.ts'
import { addOutreachSummary, runOutreach, type OutreachOptions, type OutreachSummary } from '../outreach/run-outreach.ts'
import { learnEtas, type LearnSettings } from './learn-etas.ts'
import { currentModel } from '../store/eta-models.ts'
import type { EtaModel } from '../domain/estimate/learn.ts'

export interface SweepOptions extends PolicyContext {
  /** Lines claimed per transaction (several workers sweep side by side with SKIP LOCKED). */
  batchSize?: number
  /** Tell customers what changed (src/outreach); without it the sweep only queues the orders. */
  outreach?: Omit<OutreachOptions, 'now' | 'calendar'>
  /** Batches in flight once a pass is bigger than one batch (default 2; PGlite always 1). */
  lanes?: number
  /**
   * Called once when the first batch comes back full (the pass is bigger than one batch): the
   * workers ask another process to join the pass and send messages while it runs (src/jobs/queue.ts).
   */
  onBacklog?: () => void
  /** Learn the day's ETA model first when the day has none yet (src/jobs/learn-etas.ts). */
  learn?: LearnSettings
}

export interface SweepResult {
  examined: number
  changed: number
  tasksOpened: number
  tasksClosed: number
  /** Orders whose customer view the sweep wrote afresh. */
  viewsWritten: number
  /** New states reached in this sweep, by state. */
  changes: Record<string, number>
  /** What the outreach pass did (when asked for). */
  outreach?: OutreachSummary
  /** The day's ETA model was learned by this sweep (its store day). */
  learned?: string
}

interface StoredState {
  order_line_id: number
  order_id: number
  state: string
  state_eta_earliest: string | null
  state_eta_latest: string | null
  state_eta_source: string | null
  state_quantities: Record<string, number> | null
  state_changed_at: Date | null
  dirty: boolean
}

/**
 * One monitoring sweep: derives the state of every line that changed (a signal marked it dirty)
 * or whose time came (next_check_at), records each change in the line's history with its cause,
 * opens or closes the rep tasks its state calls for, and stores the customer view of each order
 * it touched. Runs until nothing is left to look at.
 */
export async function runSweep(db: Db, opts: SweepOptions): Promise<SweepResult> {
  const result = emptyResult()
  const cache: HistoryCache = new Map()
  if (opts.learn) {
    const learned = await learnEtas(db, opts.now, opts.calendar, opts.learn)
    if (learned.computed) result.learned = learned.asOf
  }
  const model = await currentModel(db, opts.now)
  const tell = async () => {
    if (!opts.outreach) return
    const told = await runOutreach(db, { ...opts.outreach, now: opts.now, calendar: opts.calendar })
    result.outreach = result.outreach ? addOutreachSummary(result.outreach, told) : told
  }
  const batch = async (): Promise<number> => {
    // Counted once the batch commits: a batch retried after a deadlock with a neighbour counts once.
    const part = emptyResult()
    const n = await db.transaction((tx) => sweepBatch(tx, { ...opts, model }, cache, part), { attempts: 3 })
    addResult(result, part)
    return n
  }
  const lane = async (): Promise<void> => {
    for (;;) {
      if ((await batch()) === 0) return
      // Orders whose lines are all swept are told now: the first messages leave while the sweep goes on.
      await tell()
    }
  }
  // A pass bigger than one batch runs in lanes: one batch's statements wait on the database while
  // another's lines are derived in JavaScript (SKIP LOCKED keeps their claims apart, as between workers).
  const first = await batch()
  if (first > 0) {
    await tell()
    // Until a batch comes back empty, however small the first: telling marks lines again (and
    // lines change meanwhile), and a pass that stopped after one short batch left them to the next.
    const big = first >= (opts.batchSize ?? 500)
    if (big) opts.onBacklog?.()
    await Promise.all(Array.from({ length: big ? lanesFor(db, opts) : 1 }, lane))
  }
  await noteViewsStored(db, result.viewsWritten)
  await tell()
  return result
}

/** Batches in flight in one process: PGlite has one connection, so there one. */
function lanesFor(db: Db, opts: SweepOptions): number {
  return db.kind === 'pglite' ? 1 : Math.max(1, opts.lanes ?? 2)
}

const emptyResult = (): SweepResult => ({ examined: 0, changed: 0, tasksOpened: 0, tasksClosed: 0, viewsWritten: 0, changes: {} })

function addResult(a: SweepResult, b: SweepResult): void {
  a.examined += b.examined
  a.changed += b.changed
  a.tasksOpened += b.tasksOpened
  a.tasksClosed += b.tasksClosed
  a.viewsWritten += b.viewsWritten
  for (const [state, n] of Object.entries(b.changes)) a.changes[state] = (a.changes[state] ?? 0) + n
}

/**
 * Claims up to a batch of lines: dirty ones first, then those whose time has come. Each claim is
 * an index range scan with a LIMIT, so a batch costs the same however many lines wait (a UNION
 * of all candidates, sorted per batch, made a full sweep quadratic). The lock is NO KEY UPDATE (the
 * sweep changes no key): a plain FOR UPDATE also conflicts with the KEY SHARE lock any insert that
 * references the line takes (a task, a status request, a platform call), so a sweep running beside
 * the supplier check skipped exactly the lines that check was opening tasks on.
 */
async function claimBatch(tx: Queryable, now: Date, size: number): Promise<number[]> {
  const dirty = await tx.query<{ order_line_id: number }>(
    'SELECT order_line_id FROM order_lines WHERE dirty ORDER BY order_line_id LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED',
    [size],
  )
  const ids = dirty.map((r) => r.order_line_id)
  if (ids.length < size) {
    const due = await tx.query<{ order_line_id: number }>(
      `SELECT order_line_id FROM order_lines WHERE NOT closed AND next_check_at <= $1 AND NOT dirty
        ORDER BY next_check_at, order_line_id LIMIT $2 FOR NO KEY UPDATE SKIP LOCKED`,
      [now, size - ids.length],
    )
    ids.push(...due.map((r) => r.order_line_id))
  }
  return ids
}

async function sweepBatch(tx: Queryable, opts: SweepOptions & { model: EtaModel | null }, cache: HistoryCache, result: SweepResult): Promise<number> {
  const ids = await claimBatch(tx, opts.now, opts.batchSize ?? 500)
  if (ids.length === 0) return 0
  const stored = await tx.query<StoredState>(
    `SELECT order_line_id, order_id, state, state_eta_earliest::text AS state_eta_earliest, state_eta_latest::text AS state_eta_latest,
            state_eta_source, state_quantities, state_changed_at, dirty
       FROM order_lines WHERE order_line_id = ANY($1::bigint[]) ORDER BY order_line_id`,
    [ids],
  )
  if (stored.length === 0) return 0
  // Every line of the claimed lines' orders is derived (the claimed ones to store their state, all
  // of them for the orders' views); the versions are read first (see readViewHeads).
  const heads = await readViewHeads(tx, [...new Set(stored.map((s) => s.order_id))])
  const snapshots = await loadLineSnapshots(tx, { orderIds: [...heads.keys()] })
  const byId = new Map(stored.map((s) => [s.order_line_id, s]))
  const updates: LineUpdate[] = []
  const derived: { ls: LineSnapshot; status: LineStatus }[] = []
  for (const ls of snapshots) {
    const status = await deriveLine(tx, ls, { now: opts.now, calendar: opts.calendar, model: opts.model }, cache)
    derived.push({ ls, status })
    const prior = byId.get(ls.orderLineId)
    if (!prior) continue
    const changed = hasChanged(prior, status)
    updates.push({ ls, status, changed, cause: changed ? describeCause(ls, prior.dirty, status) : null })
    if (changed) {
      result.changed++
      if (prior.state !== status.state || !prior.state_changed_at) result.changes[status.state] = (result.changes[status.state] ?? 0) + 1
    }
  }
  await writeStates(tx, updates, opts)
  const tasks = await syncTasks(tx, updates, opts)
  result.tasksOpened += tasks.opened
  result.tasksClosed += tasks.closed
  // The rows another batch may share (an order whose lines fall in two batches) are written last,
  // in order id order: a batch beside it in another lane or worker waits for a commit, not a whole batch.
  result.viewsWritten += await writeOrderViews(tx, heads, derived, opts)
  // Every order looked at gets its outreach pass once the lines are done, all its lines together.
  await tx.query(
    `INSERT INTO outreach_queue (order_id, queued_at) SELECT DISTINCT u, $2::timestamptz FROM unnest($1::bigint[]) AS u ORDER BY u ON CONFLICT DO NOTHING`,
    [updates.map((u) => u.ls.orderId), opts.now],
  )
  result.examined += stored.length
  return stored.length
}

function hasChanged(prior: StoredState, s: LineStatus): boolean {
  if (!prior.state_changed_at) return true // never swept: its first state is history too
  return (
    prior.state !== s.state ||
    (prior.state_eta_earliest ?? null) !== (s.eta?.earliest ?? null) ||
    (prior.state_eta_latest ?? null) !== (s.eta?.latest ?? null) ||
    (prior.state_eta_source ?? null) !== (s.eta?.source ?? null) ||
    JSON.stringify(sorted(prior.state_quantities ?? {})) !== JSON.stringify(sorted(s.quantities))
  )
}

const sorted = (q: Record<string, number | undefined>) => Object.fromEntries(Object.entries(q).sort(([a], [b]) => a.localeCompare(b)))

async function writeStates(tx: Queryable, updates: LineUpdate[], opts: SweepOptions): Promise<void> {
  const changed = updates.filter((u) => u.changed)
  if (changed.length > 0) {
    await tx.query(
      `INSERT INTO line_state_history (order_line_id, state, eta_earliest, eta_latest, eta_source, changed_at, cause, eta_basis)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::date[], $4::date[], $5::text[], $6::timestamptz[], $7::text[], $8::text[])`,
      [
        changed.map((u) => u.ls.orderLineId), changed.map((u) => u.status.state), changed.map((u) => u.status.eta?.earliest ?? null),
        changed.map((u) => u.status.eta?.latest ?? null), changed.map((u) => u.status.eta?.source ?? null),
        changed.map(() => opts.now), changed.map((u) => u.cause), changed.map((u) => u.status.eta?.basis ?? null),
      ],
    )
  }
  await tx.query(
    `UPDATE order_lines l SET
        state = v.state, state_eta_earliest = v.earliest, state_eta_latest = v.latest, state_eta_source = v.source,
        state_quantities = v.quantities::jsonb, closed = v.closed, dirty = false, next_check_at = v.next_check,
        state_changed_at = CASE WHEN v.changed THEN $9::timestamptz ELSE l.state_changed_at END
       FROM unnest($1::bigint[], $2::text[], $3::date[], $4::date[], $5::text[], $6::text[], $7::boolean[], $8::timestamptz[], $10::boolean[])
         AS v(id, state, earliest, latest, source, quantities, closed, next_check, changed)
      WHERE l.order_line_id = v.id`,
    [
      updates.map((u) => u.ls.orderLineId), updates.map((u) => u.status.state), updates.map((u) => u.status.eta?.earliest ?? null),
      updates.map((u) => u.status.eta?.latest ?? null), updates.map((u) => u.status.eta?.source ?? null),
      updates.map((u) => JSON.stringify(u.status.quantities)), updates.map((u) => FINAL_STATES.includes(u.status.state)),
      updates.map((u) => nextCheckAt(u.status, opts)), opts.now, updates.map((u) => u.changed),
    ],
  )
}
