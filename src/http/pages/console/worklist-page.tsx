import type { Session } from '../../../store/sessions.ts'
import type { WorklistFacets, WorklistPage as WorklistData, WorklistRow } from '../../../store/worklist.ts'
import type { StoreInfo } from '../render.ts'
import { businessAgeWords, type WorkingHours } from '../../../domain/business-hours.ts'
import { ConsoleLayout, Csrf } from './layout.tsx'
import { formatLocal } from './when.ts'
import { worklistHref, type WorklistQuery } from './worklist-query.ts'

export interface WorklistProps {
  store: StoreInfo
  session: Session
  timeZone: string
  data: WorklistData
  /** The filters as asked (kept in every link and form, so an action comes back to the same list). */
  query: WorklistQuery
  facets: WorklistFacets
  /** Business hours each listed task has been open, by task id. */
  ages: Map<number, number>
  workingHours: WorkingHours
  flash: { kind: 'ok' | 'error'; text: string } | null
}

const AGES = [[0, 'Any age'], [1, '1 business day or more'], [3, '3 business days or more'], [5, '5 business days or more'], [10, '10 business days or more']] as const
const hour = (h: number) => `${Math.floor(h)}:${String(Math.round((h % 1) * 60)).padStart(2, '0')}`

/** `GET /console`: the open tasks, most urgent first, filtered, a page at a time. */
export function WorklistPage(p: WorklistProps) {
  const { data, query } = p
  const all = p.facets.kinds.reduce((n, k) => n + k.count, 0)
  const first = (data.page - 1) * data.pageSize + 1
  const last = first + data.rows.length - 1
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize))
  return (
    <ConsoleLayout store={p.store} title="Worklist" session={p.session} section="worklist">
      <h1>Worklist</h1>
      <div role="status">{p.flash && <p className={`notice ${p.flash.kind}`}>{p.flash.text}</p>}</div>
      <form method="get" action="/console" className="filters">
        <div className="field">
          <label htmlFor="kind">Kind</label>
          <select id="kind" name="kind" defaultValue={query.kind ?? ''}>
            <option value="">All kinds ({all})</option>
            {p.facets.kinds.map((k) => <option key={k.kind} value={k.kind}>{k.kind.replace(/_/g, ' ')} ({k.count})</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="supplier">Supplier</label>
          <select id="supplier" name="supplier" defaultValue={query.supplier ?? ''}>
            <option value="">All suppliers</option>
            {p.facets.suppliers.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="age">Age</label>
          <select id="age" name="age" defaultValue={String(query.age ?? 0)}>
            {AGES.map(([d, label]) => <option key={d} value={String(d)}>{label}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="assigned">Assigned</label>
          <select id="assigned" name="assigned" defaultValue={query.assigned ?? ''}>
            <option value="">Anyone or nobody</option>
            <option value="mine">Mine</option>
            <option value="unassigned">Nobody</option>
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      <p className="count">
        {data.total === 0 ? 'Nothing to do here.' : `${data.total} open task${data.total === 1 ? '' : 's'}, most urgent first${pages > 1 ? ` — showing ${first}–${last}` : ''}.`}
      </p>
      {data.rows.length > 0 && <TaskTable {...p} />}
      {pages > 1 && <Pager query={query} page={data.page} pages={pages} />}
      <p className="small">
        Ages count business hours: {hour(p.workingHours.start)}–{hour(p.workingHours.end)} store time ({p.timeZone}) on business days; "1 d" is one such day.
      </p>
    </ConsoleLayout>
  )
}

function TaskTable(p: WorklistProps) {
  const back = worklistHref(p.query, { page: p.data.page })
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Open tasks">
      <table className="grid worklist">
        <caption className="sr-only">Open tasks</caption>
        <thead>
          <tr><th scope="col">Task</th><th scope="col">Kind</th><th scope="col">About</th><th scope="col">Supplier</th><th scope="col">Open for</th><th scope="col">Assigned</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
        </thead>
        <tbody>
          {p.data.rows.map((t) => (
            <tr key={t.taskId}>
              <td>
                <span className="task-title">{t.title}</span>
                {t.detail && <span className="small block">{t.detail}</span>}
              </td>
              <td><span className={`kind k-${t.kind}`}>{t.kind.replace(/_/g, ' ')}</span></td>
              <td>{t.orderNumber ? <a href={`/console/orders/${encodeURIComponent(t.orderNumber)}`}>Order {t.orderNumber}{t.lineNo ? `, line ${t.lineNo}` : ''}</a> : '—'}</td>
              <td>{t.supplierName ?? t.supplierId ?? '—'}</td>
              <td><time dateTime={t.createdAt} title={`opened ${formatLocal(t.createdAt, p.timeZone)}`}>{businessAgeWords(p.ages.get(t.taskId) ?? 0, p.workingHours)}</time></td>
              <td><AssignForm task={t} session={p.session} users={p.facets.users} back={back} /></td>
              <td>
                <form method="post" action={`/console/tasks/${t.taskId}/close`}>
                  <Csrf session={p.session} />
                  <input type="hidden" name="back" value={back} />
                  <button type="submit" className="small-btn">Close<span className="sr-only"> task {t.taskId}</span></button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Who has the task; the rep gives it to anyone (themselves first) or to nobody. */
export function AssignForm({ task, session, users, back }: { task: Pick<WorklistRow, 'taskId' | 'assignedUserId'>; session: Session; users: WorklistFacets['users']; back: string }) {
  const id = `assign-${task.taskId}`
  const others = users.filter((u) => u.id !== session.userId)
  return (
    <form method="post" action={`/console/tasks/${task.taskId}/assign`} className="assign">
      <Csrf session={session} />
      <input type="hidden" name="back" value={back} />
      <label htmlFor={id} className="sr-only">Assign task {task.taskId} to</label>
      <select id={id} name="assignee" defaultValue={task.assignedUserId === null ? '' : String(task.assignedUserId)}>
        <option value="">Nobody</option>
        <option value={String(session.userId)}>Me ({session.email})</option>
        {others.map((u) => <option key={u.id} value={String(u.id)}>{u.email}</option>)}
      </select>
      <button type="submit" className="small-btn">Assign<span className="sr-only"> task {task.taskId}</span></button>
    </form>
  )
}

function Pager({ query, page, pages }: { query: WorklistQuery; page: number; pages: number }) {
  return (
    <nav aria-label="Worklist pages" className="pager">
      {page > 1 ? <a href={worklistHref(query, { page: page - 1 })} rel="prev">Previous</a> : <span aria-hidden="true">Previous</span>}
      <span>Page {page} of {pages}</span>
      {page < pages ? <a href={worklistHref(query, { page: page + 1 })} rel="next">Next</a> : <span aria-hidden="true">Next</span>}
    </nav>
  )
}
