import type { Session } from '../../../store/sessions.ts'
import type { MetricLine } from '../../../store/metric-lines.ts'
import type { QuestionRow } from '../../../store/customer-questions.ts'
import { formatWhen, type StoreInfo } from '../render.ts'
import { ConsoleLayout } from './layout.tsx'

export interface LinesPageProps {
  store: StoreInfo
  session: Session
  timeZone: string
  title: string
  definition: string
  total: number
  rows: MetricLine[]
  page: number
  pageSize: number
  /** The query string without `page`, for the paging links. */
  query: string
  supplierName: string | null
  /** A related view (the worklist's tasks for backorders). */
  related?: { href: string; text: string }
}

function Paging(p: { total: number; page: number; pageSize: number; query: string }) {
  const pages = Math.max(1, Math.ceil(p.total / p.pageSize))
  if (pages === 1) return null
  const link = (n: number) => `/console/lines?${p.query}&page=${n}`
  return (
    <nav aria-label="Pages" className="paging">
      {p.page > 1 && <a href={link(p.page - 1)}>Previous page</a>} <span>Page {p.page} of {pages}</span>{' '}
      {p.page < pages && <a href={link(p.page + 1)}>Next page</a>}
    </nav>
  )
}

/** `GET /console/lines?metric=…`: the order lines behind a dashboard figure, with its definition. */
export function LinesPage(p: LinesPageProps) {
  const first = (p.page - 1) * p.pageSize + 1
  return (
    <ConsoleLayout store={p.store} title={p.title} session={p.session} section="dashboard">
      <p><a href="/console/dashboard">Dashboard</a></p>
      <h1>{p.title}{p.supplierName ? `: ${p.supplierName}` : ''}</h1>
      <p className="definition">{p.definition}</p>
      <p role="status" id="lines-total">
        {p.total === 0 ? 'No lines.' : `${p.total} line${p.total === 1 ? '' : 's'}${p.total > p.rows.length ? `; ${first}–${first + p.rows.length - 1} shown` : ''}.`}
        {p.related && <> <a href={p.related.href}>{p.related.text}</a>.</>}
      </p>
      {p.rows.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={`${p.title}: the lines`}>
          <table className="grid metric-lines">
            <caption className="sr-only">{p.title}: the lines</caption>
            <thead>
              <tr>
                <th scope="col">Order line</th><th scope="col">Item</th><th scope="col">Supplier</th><th scope="col">State</th>
                <th scope="col">Ordered</th><th scope="col">Arrives by</th>{p.rows.some((r) => r.note) && <th scope="col">Notice</th>}
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr key={`${r.orderNumber}/${r.lineNo}`}>
                  <th scope="row"><a href={`/console/orders/${encodeURIComponent(r.orderNumber)}`}>{r.orderNumber}, line {r.lineNo}</a></th>
                  <td>{r.name ?? r.sku}<span className="small block">{r.sku}</span></td>
                  <td>{r.supplierName ?? r.supplierId ?? '—'}</td>
                  <td>{r.state.replace(/_/g, ' ')}</td>
                  <td>{formatWhen(r.placedAt, p.timeZone)}</td>
                  <td>{r.etaLatest ?? 'unknown'}</td>
                  {p.rows.some((x) => x.note) && <td>{r.note ?? '—'}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Paging total={p.total} page={p.page} pageSize={p.pageSize} query={p.query} />
    </ConsoleLayout>
  )
}

/** `GET /console/questions`: the customer questions behind "answered without a person". */
export function QuestionsPage(p: { store: StoreInfo; session: Session; timeZone: string; definition: string; total: number; rows: QuestionRow[] }) {
  return (
    <ConsoleLayout store={p.store} title="Customer questions" session={p.session} section="dashboard">
      <p><a href="/console/dashboard">Dashboard</a></p>
      <h1>Customer questions (30 days)</h1>
      <p className="definition">{p.definition}</p>
      <p role="status" id="questions-total">
        {p.total} question{p.total === 1 ? '' : 's'}, {p.rows.filter((r) => r.outcome === 'answered').length} of those shown answered without a person
        {p.total > p.rows.length ? ` (the latest ${p.rows.length} shown)` : ''}.
      </p>
      {p.rows.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Customer questions">
          <table className="grid questions">
            <caption className="sr-only">Customer questions, newest first</caption>
            <thead><tr><th scope="col">When</th><th scope="col">Asked by</th><th scope="col">Order</th><th scope="col">Outcome</th></tr></thead>
            <tbody>
              {p.rows.map((r, i) => (
                <tr key={i}>
                  <td>{formatWhen(r.at, p.timeZone)}</td>
                  <td>{r.channel}</td>
                  <td>{r.orderNumber ? <a href={`/console/orders/${encodeURIComponent(r.orderNumber)}`}>{r.orderNumber}</a> : '—'}</td>
                  <td>{r.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </ConsoleLayout>
  )
}
