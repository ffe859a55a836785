import type { Queryable } from '../../../store/db.ts'
import { agingOfOpenLines, backordersBySupplier, deflection, delayNoticesOnTime, signalToMessage, type ChartTable } from '../../../store/dashboard.ts'
import type { ChartSpec } from './dashboard-page.tsx'

const sum = (t: ChartTable, pick: (name: string) => boolean) =>
  t.series.filter((s) => pick(s.name)).reduce((n, s) => n + s.values.reduce((a, b) => a + b, 0), 0)

/** The dashboard's charts and headline figures. */
export async function loadDashboard(db: Queryable, now: Date, timeZone = 'UTC'): Promise<{ charts: ChartSpec[]; summary: { label: string; value: string }[] }> {
  const [backorders, aging, told, asked, notices] = await Promise.all([
    backordersBySupplier(db, now), agingOfOpenLines(db, now), signalToMessage(db, now), deflection(db, now), delayNoticesOnTime(db, now, timeZone),
  ])
  const answered = sum(asked, (n) => n.startsWith('answered'))
  const toRep = sum(asked, (n) => !n.startsWith('answered'))
  const onTime = sum(notices, (n) => n === 'on time')
  const allNotices = sum(notices, () => true)
  const openBackorders = backorders.series.reduce((n, s) => n + (s.values[s.values.length - 1] ?? 0), 0)
  return {
    summary: [
      { label: 'Open backorders today', value: String(openBackorders) },
      { label: 'Open lines', value: String(sum(aging, () => true)) },
      { label: 'Answered without a person (30 days)', value: answered + toRep > 0 ? `${Math.round((answered / (answered + toRep)) * 100)}% of ${answered + toRep}` : '—' },
      { label: 'Delay notices on time (8 weeks)', value: allNotices > 0 ? `${Math.round((onTime / allNotices) * 100)}% of ${allNotices}` : '—' },
    ],
    charts: [
      { id: 'backorders', title: 'Open backorders by supplier', description: 'Lines whose supplier last said "backordered", day by day, over 30 days.', type: 'line', labelHeader: 'Day', table: backorders },
      { id: 'aging', title: 'Aging of open lines', description: 'Open lines by days since they were ordered, by state.', type: 'stacked-bar', labelHeader: 'Ordered', table: aging },
      { id: 'told', title: "Time from a supplier's signal to the customer's message", description: 'Hours, median (p50) and 90th percentile (p90), by week.', type: 'line', labelHeader: 'Week of', table: told, tableOnly: ['messages'] },
      { id: 'deflection', title: '"Where is my order" answered without a person', description: 'Lookups answered by the order page and the API, versus rep tasks opened, per day.', type: 'bar', labelHeader: 'Day', table: asked },
      { id: 'notices', title: 'Delay notices on time vs late', description: 'First delay notices per week (from the FTC record): sent by the line\'s applicable date, or after it.', type: 'stacked-bar', labelHeader: 'Week of', table: notices },
    ],
  }
}
