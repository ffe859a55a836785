import type { Session } from '../../../store/sessions.ts'
import type { ChartTable } from '../../../store/dashboard.ts'
import type { StoreInfo } from '../render.ts'
import { ConsoleLayout } from './layout.tsx'
import { seriesColours } from './palette.ts'
import type { SummaryItem } from './dashboard.ts'

export interface ChartSpec {
  id: string
  title: string
  description: string
  /** How dashboard.js draws it. */
  type: 'line' | 'bar' | 'stacked-bar'
  labelHeader: string
  table: ChartTable
  /** Series shown only in the table (e.g. counts behind percentiles). */
  tableOnly?: string[]
  /** The list of what the chart counts. */
  list?: { href: string; text: string }
}

/**
 * One chart: a canvas for the eye, and the same numbers as a table kept in view beneath it (for
 * screen readers, for anyone without JavaScript, and for anyone who wants the figures). Each
 * series' colour (Okabe–Ito, palette.ts) is on its column header; dashboard.js draws from both.
 */
function Chart({ c }: { c: ChartSpec }) {
  const colours = seriesColours(c.table.series.map((s) => s.name))
  return (
    <figure className="chart" aria-labelledby={`${c.id}-t`}>
      <h2 id={`${c.id}-t`}>{c.title}</h2>
      <p className="small">{c.description}{c.list && <> <a href={c.list.href}>{c.list.text}</a>.</>}</p>
      <div className="canvas-box" aria-hidden="true"><canvas id={`${c.id}-canvas`} /></div>
      {c.table.labels.length === 0 ? (
        <p className="empty">No data yet.</p>
      ) : (
        <div className="table-wrap chart-numbers" tabIndex={0} role="region" aria-label={`${c.title}: the numbers`}>
          <table className="grid" data-chart={c.type} data-canvas={`${c.id}-canvas`} data-table-only={(c.tableOnly ?? []).join('|')}>
            <caption>{c.title}: the numbers</caption>
            <thead>
              <tr>
                <th scope="col">{c.labelHeader}</th>
                {c.table.series.map((s, i) => (
                  <th key={s.name} scope="col" data-color={colours[i]}><span className="swatch" aria-hidden="true" />{s.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.table.labels.map((label, i) => (
                <tr key={label}><th scope="row">{label}</th>{c.table.series.map((s) => <td key={s.name} data-v={String(s.values[i])}>{Number.isFinite(s.values[i]) ? s.values[i] : '—'}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  )
}

/** `GET /console/dashboard`: the operations manager's figures (each defined, each opening its list) and charts. */
export function DashboardPage(p: { store: StoreInfo; session: Session; charts: ChartSpec[]; summary: SummaryItem[] }) {
  return (
    <ConsoleLayout store={p.store} title="Dashboard" session={p.session} section="dashboard" scripts={['/assets/vendor/chart.umd.min.js', '/assets/dashboard.js']}>
      <h1>Dashboard</h1>
      <dl className="summary">
        {p.summary.map((s) => (
          <div key={s.id} id={`figure-${s.id}`}>
            <dt>{s.label}</dt>
            <dd><a href={s.href}>{s.value}<span className="sr-only">: list them</span></a></dd>
            <dd className="definition small">{s.definition}</dd>
          </div>
        ))}
      </dl>
      <div className="charts">{p.charts.map((c) => <Chart key={c.id} c={c} />)}</div>
    </ConsoleLayout>
  )
}
