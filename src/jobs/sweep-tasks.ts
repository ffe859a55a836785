/**
 * The rep tasks a sweep batch's lines call for (src/domain/sweep-policy.ts): opened once, closed by
 * wismo with the reason when what they asked for has happened or was settled meanwhile.
 */
import type { Queryable } from '../store/db.ts'
import type { LineSnapshot } from '../store/order-snapshot.ts'
import type { LineStatus } from '../domain/line-state.ts'
import { LINE_TASK_KINDS, tasksForLine, type PolicyContext } from '../domain/sweep-policy.ts'
import { lineTaskText } from './sweep-text.ts'
import { TASK_PRIORITY } from '../store/tasks.ts'
import { actedParcels, ANSWER_KINDS, answeredLines, sweepCloseNote } from '../store/task-closing.ts'

/** A line as one sweep batch derived it. */
export interface LineUpdate {
  ls: LineSnapshot
  status: LineStatus
  changed: boolean
  cause: string | null
}

/** Opens the tasks the lines call for and closes the ones they no longer do; counts of each. */
export async function syncTasks(tx: Queryable, updates: LineUpdate[], opts: PolicyContext & { now: Date }): Promise<{ opened: number; closed: number }> {
  let opened = 0
  let closed = 0
  const all: WantedTask[] = []
  for (const u of updates) {
    for (const kind of tasksForLine(u.status, opts)) {
      all.push({ kind, key: `${kind}:${u.ls.orderLineId}`, ...lineTaskText(kind, u.ls, u.status), u })
    }
  }
  const { wanted, settledNotes } = await dropSettled(tx, all)
  // The lines' open tasks, read by line (the partial index tasks_open_line): which to close is
  // decided here, not by an UPDATE filtering every open task against the batch's wanted keys —
  // with statistics that trail a growing table that plan went quadratic on a first sweep.
  const open = await tx.query<{ task_id: number; order_line_id: number; kind: string; dedupe_key: string }>(
    `SELECT task_id, order_line_id, kind, dedupe_key FROM tasks
      WHERE status = 'open' AND order_line_id = ANY($1::bigint[]) AND kind = ANY($2::text[])`,
    [updates.map((u) => u.ls.orderLineId), LINE_TASK_KINDS],
  )
  const openKeys = new Set(open.map((t) => t.dedupe_key))
  const toOpen = wanted.filter((w) => !openKeys.has(w.key))
  if (toOpen.length > 0) {
    // One statement per batch: a first sweep after a big import opens hundreds of thousands.
    const rows = await tx.query(
      `INSERT INTO tasks (kind, priority, order_id, order_line_id, supplier_id, title, detail, dedupe_key, created_at)
       SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
       ON CONFLICT (dedupe_key) WHERE status = 'open' DO NOTHING RETURNING task_id`,
      [
        toOpen.map((w) => w.kind), toOpen.map((w) => TASK_PRIORITY[w.kind] ?? 50), toOpen.map((w) => w.u.ls.orderId),
        toOpen.map((w) => w.u.ls.orderLineId), toOpen.map((w) => w.u.ls.line.supplierId), toOpen.map((w) => w.title),
        toOpen.map((w) => w.detail), toOpen.map((w) => w.key), toOpen.map(() => opts.now),
      ],
    )
    opened = rows.length
  }
  // What the task asked for has happened (the line moved on, or was answered or acted on): closed
  // by wismo, saying why, for the order's task history.
  const wantedKeys = new Set(wanted.map((w) => w.key))
  const stateOf = new Map(updates.map((u) => [u.ls.orderLineId, u.status.state]))
  const done = open.filter((t) => !wantedKeys.has(t.dedupe_key))
  if (done.length > 0) {
    const rows = await tx.query(
      `UPDATE tasks t SET status = 'done', closed_at = $3, closed_by = 'system', close_note = v.note
         FROM unnest($1::bigint[], $2::text[]) AS v(id, note)
        WHERE t.task_id = v.id AND t.status = 'open'
        RETURNING t.task_id`,
      [
        done.map((t) => t.task_id),
        done.map((t) => settledNotes.get(t.order_line_id) ?? sweepCloseNote(stateOf.get(t.order_line_id)!, t.kind)),
        opts.now,
      ],
    )
    closed = rows.length
  }
  return { opened, closed }
}

interface WantedTask { kind: string; key: string; title: string; detail: string; u: LineUpdate }

/**
 * Drops the tasks whose question is already settled while the line stays as it is: a decision
 * the customer has given since the line came into its state, a parcel in trouble a rep has
 * already reshipped, refunded or claimed. Without this the next sweep would reopen them.
 */
async function dropSettled(tx: Queryable, all: WantedTask[]): Promise<{ wanted: WantedTask[]; settledNotes: Map<number, string> }> {
  const asks = (w: WantedTask) => (ANSWER_KINDS as readonly string[]).includes(w.kind)
  const answered = await answeredLines(tx, all.filter(asks).map((w) => ({ orderLineId: w.u.ls.orderLineId, state: w.u.status.state })))
  const acted = await actedParcels(tx, all.filter((w) => w.kind === 'carrier_exception').map((w) => w.u.ls.orderLineId))
  const handled = (w: WantedTask) =>
    w.u.status.tracking.filter((t) => t.status === 'exception' && t.qty > 0).every((t) => acted.has(`${w.u.ls.orderLineId}:${t.number}`))
  const settledNotes = new Map<number, string>()
  const wanted: WantedTask[] = []
  for (const w of all) {
    const id = w.u.ls.orderLineId
    if (asks(w) && answered.has(id)) settledNotes.set(id, 'the customer has answered')
    else if (w.kind === 'carrier_exception' && handled(w)) settledNotes.set(id, 'a rep acted on the parcel (reship, refund or claim)')
    else wanted.push(w)
  }
  return { wanted, settledNotes }
}
