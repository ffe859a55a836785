import type { Session } from '../../../store/sessions.ts'
import type { WorklistFilter, WorklistRow } from '../../../store/worklist.ts'
import { formatWhen, type StoreInfo } from '../render.ts'
import { ConsoleLayout, Csrf } from './layout.tsx'

export interface WorklistProps {
  store: StoreInfo
  session: Session
  timeZone: string
  now: Date
  rows: WorklistRow[]
  filter: WorklistFilter
  facets: { kinds: { kind: string; count: number }[]; suppliers: { id: string; name: string }[] }
  flash: string | null
}

const AGES = [[0, 'Any age'], [1, '1 day or more'], [3, '3 days or more'], [7, '7 days or more'], [14, '14 days or more']] as const

const ageWords = (from: string, now: Date) => {
  const days = Math.floor((now.getTime() - new Date(from).getTime()) / 86_400_000)
  return days <= 0 ? 'today' : `${days} d`
}

/** `GET /console`: the open tasks, most urgent first, with filters. */
export function WorklistPage(p: WorklistProps) {
  const total = p.facets.kinds.reduce((n, k) => n + k.count, 0)
  return (
    <ConsoleLayout store={p.store} title="Worklist" session={p.session} section="worklist">
      <h1>Worklist</h1>
      <div role="status">{p.flash && <p className="notice ok">{p.flash}</p>}</div>
      <form method="get" action="/console" className="filters">
        <div className="field">
          <label htmlFor="kind">Kind</label>
          <select id="kind" name="kind" defaultValue={p.filter.kind ?? ''}>
            <option value="">All kinds ({total})</option>
            {p.facets.kinds.map((k) => <option key={k.kind} value={k.kind}>{k.kind.replace(/_/g, ' ')} ({k.count})</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="supplier">Supplier</label>
          <select id="supplier" name="supplier" defaultValue={p.filter.supplierId ?? ''}>
            <option value="">All suppliers</option>
            {p.facets.suppliers.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="age">Age</label>
          <select id="age" name="age" defaultValue={String(p.filter.minAgeDays ?? 0)}>
            {AGES.map(([d, label]) => <option key={d} value={String(d)}>{label}</option>)}
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      <p>{p.rows.length === 0 ? 'Nothing to do here.' : `${p.rows.length} open task${p.rows.length === 1 ? '' : 's'}, most urgent first.`}</p>
      {p.rows.length > 0 && (
        <table className="grid worklist">
          <caption className="sr-only">Open tasks</caption>
          <thead>
            <tr><th scope="col">Task</th><th scope="col">Kind</th><th scope="col">About</th><th scope="col">Supplier</th><th scope="col">Open for</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>
            {p.rows.map((t) => (
              <tr key={t.taskId}>
                <td>
                  <span className="task-title">{t.title}</span>
                  {t.detail && <span className="small block">{t.detail}</span>}
                </td>
                <td><span className={`kind k-${t.kind}`}>{t.kind.replace(/_/g, ' ')}</span></td>
                <td>{t.orderNumber ? <a href={`/console/orders/${encodeURIComponent(t.orderNumber)}`}>Order {t.orderNumber}{t.lineNo ? `, line ${t.lineNo}` : ''}</a> : '—'}</td>
                <td>{t.supplierName ?? t.supplierId ?? '—'}</td>
                <td><time dateTime={t.createdAt} title={formatWhen(t.createdAt, p.timeZone)}>{ageWords(t.createdAt, p.now)}</time></td>
                <td>
                  <form method="post" action={`/console/tasks/${t.taskId}/close`}>
                    <Csrf session={p.session} />
                    <button type="submit" className="small-btn">Close<span className="sr-only"> task {t.taskId}</span></button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ConsoleLayout>
  )
}
