/** The dashboard's accuracy chart: `wismo accuracy`'s on-time share, week by week. */
import type { Queryable } from './db.ts'
import type { ChartTable } from './chart-table.ts'
import { loadDeliveredLines } from './accuracy.ts'
import { accuracyReport, MILESTONES, weeksBack } from '../domain/accuracy.ts'
import { localDay } from '../domain/calendar.ts'

export const ACCURACY_CHART_DEFINITION =
  'Share of the lines delivered each week (Monday to Sunday, the store\'s days) that arrived by the latest date wismo stated: ' +
  'when ordered (its first date), once shipped (the first in transit) and last (the last before delivery). The same figures as `wismo accuracy --from MONDAY --to SUNDAY`.'

export const LINES_SERIES = 'lines delivered'

/**
 * On-time share (percent, one decimal) per week per milestone, over the weeks with deliveries;
 * a milestone no line of the week stated a date at is a gap (NaN), not a 0.
 */
export async function accuracyByWeek(db: Queryable, now: Date, timeZone: string, country: string, weeks = 8): Promise<ChartTable> {
  const periods = weeksBack(localDay(now, timeZone), weeks)
  const lines = await loadDeliveredLines(db, { from: periods[0].from, to: periods[periods.length - 1].to, timeZone, country })
  const table: ChartTable = { labels: [], series: [...MILESTONES, LINES_SERIES].map((name) => ({ name, values: [] })) }
  for (const week of periods) {
    const count = lines.filter((l) => week.from <= l.delivered && l.delivered <= week.to).length
    if (count === 0) continue
    const { milestones } = accuracyReport(lines, week, null)
    table.labels.push(week.from)
    MILESTONES.forEach((m, i) => {
      const share = milestones[m].onTime
      table.series[i].values.push(share === null ? Number.NaN : Math.round(share * 1000) / 10)
    })
    table.series[MILESTONES.length].values.push(count)
  }
  return table
}
