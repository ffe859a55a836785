import type { Queryable } from './db.ts'
import type { TaskRow } from './tasks.ts'
import { openBackorderIds } from './open-backorders.ts'

export interface WorklistFilter {
  kind?: string
  /** Tasks about this supplier: its own, or on a line it supplies. */
  supplierId?: string
  /** Only tasks opened at or before this instant (the route turns "N business days old" into it). */
  openedBy?: Date
  /** `mine`: assigned to the rep looking; `unassigned`: to nobody. */
  assignee?: 'mine' | 'unassigned'
  /** The instant "open backorders" is read at (the backordered kind lists exactly those lines; open-backorders.ts). */
  now?: Date
}

export type WorklistRow = TaskRow & { supplierName: string | null; assignedTo: string | null; assignedUserId: number | null }

export interface WorklistPage {
  rows: WorklistRow[]
  /** Every open task the filters select, on all pages: the count shown is the count listed. */
  total: number
  page: number
  pageSize: number
}

/**
 * The filters as one WHERE clause, shared by the list, its count and the per-kind counts, so
 * the numbers on the page always add up. $1 kind, $2 supplier, $3 opened by, $4 assignee mode,
 * $5 the rep's user id, $6 the instant open backorders are read at.
 */
const FILTER = `
 WHERE t.status = 'open'
   AND ($1::text IS NULL OR t.kind = $1)
   AND ($2::text IS NULL OR coalesce(t.supplier_id, l.supplier_id) = $2)
   AND ($3::timestamptz IS NULL OR t.created_at <= $3)
   AND ($4::text IS NULL OR ($4 = 'mine' AND t.assigned_user_id = $5::bigint) OR ($4 = 'unassigned' AND t.assigned_user_id IS NULL))
   -- Backorder tasks count as the dashboard counts open backorders (one definition, open-backorders.ts),
   -- in the list, its total and the per-kind counts alike.
   AND (t.kind <> 'backordered' OR $6::timestamptz IS NULL OR t.order_line_id IS NULL
        OR t.order_line_id IN (${openBackorderIds('$6::timestamptz')}))`

const FILTERED = `FROM tasks t LEFT JOIN order_lines l ON l.order_line_id = t.order_line_id ${FILTER}`

const params = (f: WorklistFilter, userId: number, kind = f.kind) =>
  [kind ?? null, f.supplierId ?? null, f.openedBy ?? null, f.assignee ?? null, userId, f.now ?? null]

/**
 * One page of the console's worklist: open tasks (most urgent first, oldest first within a
 * priority, as `wismo tasks`) narrowed by kind, supplier, age and assignee, with the total.
 */
export async function listWorklist(db: Queryable, f: WorklistFilter, opts: { userId: number; page?: number; pageSize?: number }): Promise<WorklistPage> {
  const pageSize = opts.pageSize ?? 50
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total ${FILTERED}`, params(f, opts.userId))
  const pages = Math.max(1, Math.ceil(total / pageSize))
  const page = Math.min(Math.max(1, opts.page ?? 1), pages)
  const rows = await db.query<{
    task_id: number; kind: string; priority: number; title: string; detail: string | null; order_number: string | null
    line_no: number | null; supplier_id: string | null; supplier_name: string | null; created_at: Date; due_at: Date | null
    assigned_user_id: number | null; assigned_to: string | null
  }>(
    `SELECT t.task_id, t.kind, t.priority, t.title, t.detail, o.order_number, l.line_no,
            coalesce(t.supplier_id, l.supplier_id) AS supplier_id, s.name AS supplier_name, t.created_at, t.due_at,
            t.assigned_user_id, u.email AS assigned_to
       FROM tasks t
       LEFT JOIN order_lines l ON l.order_line_id = t.order_line_id
       LEFT JOIN orders o ON o.order_id = t.order_id
       LEFT JOIN users u ON u.user_id = t.assigned_user_id
       LEFT JOIN suppliers s ON s.supplier_id = coalesce(t.supplier_id, l.supplier_id)
     ${FILTER}
      ORDER BY t.priority, t.created_at, t.task_id LIMIT $7 OFFSET $8`,
    [...params(f, opts.userId), pageSize, (page - 1) * pageSize],
  )
  return {
    total, page, pageSize,
    rows: rows.map((r) => ({
      taskId: r.task_id, kind: r.kind, priority: r.priority, title: r.title, detail: r.detail, orderNumber: r.order_number,
      lineNo: r.line_no, supplierId: r.supplier_id, supplierName: r.supplier_name, createdAt: r.created_at.toISOString(),
      dueAt: r.due_at ? r.due_at.toISOString() : null, assignedTo: r.assigned_to, assignedUserId: r.assigned_user_id,
    })),
  }
}

export interface WorklistFacets {
  /** Per kind, the tasks the other filters select: choosing that kind lists exactly that many. */
  kinds: { kind: string; count: number }[]
  suppliers: { id: string; name: string }[]
  /** Console users a task can be assigned to. */
  users: { id: number; email: string }[]
}

/** The filters' choices, counted under the filters other than kind. */
export async function worklistFacets(db: Queryable, f: WorklistFilter, userId: number): Promise<WorklistFacets> {
  const kinds = await db.query<{ kind: string; count: number }>(
    `SELECT t.kind, count(*)::int AS count ${FILTERED} GROUP BY t.kind ORDER BY min(t.priority), t.kind`,
    params(f, userId, undefined),
  )
  const suppliers = await db.query<{ id: string; name: string }>('SELECT supplier_id AS id, name FROM suppliers ORDER BY name')
  const users = await db.query<{ id: number; email: string }>('SELECT user_id AS id, email FROM users ORDER BY email')
  return { kinds, suppliers, users }
}

/** Closes one open task by id (a rep's decision); the task row, or null when it was not open. */
export async function closeTaskById(tx: Queryable, taskId: number, now: Date, closedBy: string): Promise<{ orderId: number | null; kind: string; title: string } | null> {
  const [r] = await tx.query<{ order_id: number | null; kind: string; title: string }>(
    `UPDATE tasks SET status = 'done', closed_at = $2, closed_by = $3 WHERE task_id = $1 AND status = 'open' RETURNING order_id, kind, title`,
    [taskId, now, closedBy],
  )
  return r ? { orderId: r.order_id, kind: r.kind, title: r.title } : null
}

/**
 * Assigns an open task to a console user (null: to nobody); the task's order and who had it
 * before, or null when the task is not open or the user does not exist.
 */
export async function assignTask(
  tx: Queryable, taskId: number, userId: number | null, now: Date,
): Promise<{ orderId: number | null; kind: string; from: string | null; to: string | null } | null> {
  const [r] = await tx.query<{ order_id: number | null; kind: string; from_email: string | null; to_email: string | null }>(
    `WITH before AS (SELECT t.task_id, u.email FROM tasks t LEFT JOIN users u ON u.user_id = t.assigned_user_id
                      WHERE t.task_id = $1 AND t.status = 'open' FOR UPDATE OF t)
     UPDATE tasks t SET assigned_user_id = $2::bigint, assigned_at = CASE WHEN $2::bigint IS NULL THEN NULL ELSE $3::timestamptz END
       FROM before b
      WHERE t.task_id = b.task_id AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM users WHERE user_id = $2::bigint))
     RETURNING t.order_id, t.kind, b.email AS from_email, (SELECT email FROM users WHERE user_id = $2::bigint) AS to_email`,
    [taskId, userId, now],
  )
  return r ? { orderId: r.order_id, kind: r.kind, from: r.from_email, to: r.to_email } : null
}
