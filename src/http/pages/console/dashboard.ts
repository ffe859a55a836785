import type { Queryable } from '../../../store/db.ts'
import { backorderAging, backordersBySupplier, delayNoticesOnTime, signalToMessage, type ChartTable } from '../../../store/dashboard.ts'
import { customerQuestions, QUESTIONS_DEFINITION } from '../../../store/customer-questions.ts'
import { countOpenBackorders, OPEN_BACKORDERS_DEFINITION } from '../../../store/open-backorders.ts'
import { METRICS } from '../../../store/metric-lines.ts'
import { ACCURACY_CHART_DEFINITION, accuracyByWeek, LINES_SERIES } from '../../../store/accuracy-chart.ts'
import type { ChartSpec } from './dashboard-page.tsx'

/** One headline figure: what it is in a line, and the list of what it counts. */
export interface SummaryItem {
  id: 'open_backorders' | 'open_lines' | 'answered_without_person' | 'notices_on_time'
  label: string
  value: string
  definition: string
  href: string
}

const sum = (t: ChartTable, pick: (name: string) => boolean) =>
  t.series.filter((s) => pick(s.name)).reduce((n, s) => n + s.values.reduce((a, b) => a + b, 0), 0)

const share = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}% of ${whole}` : '—')

/** The dashboard's charts and headline figures, each figure with its definition and its list. */
export async function loadDashboard(db: Queryable, now: Date, timeZone: string, country = 'US'): Promise<{ charts: ChartSpec[]; summary: SummaryItem[] }> {
  const [backorders, aging, told, questions, notices, openBackorders, [open], accuracy] = await Promise.all([
    backordersBySupplier(db, now, timeZone), backorderAging(db, now, timeZone), signalToMessage(db, now, timeZone),
    customerQuestions(db, now, timeZone), delayNoticesOnTime(db, now, timeZone), countOpenBackorders(db, now),
    db.query<{ n: number }>('SELECT count(*)::int AS n FROM order_lines WHERE NOT closed'),
    accuracyByWeek(db, now, timeZone, country),
  ])
  const onTime = sum(notices, (n) => n === 'on time')
  const lines = (metric: string) => `/console/lines?metric=${metric}`
  return {
    summary: [
      { id: 'open_backorders', label: 'Open backorders now', value: String(openBackorders), definition: OPEN_BACKORDERS_DEFINITION, href: lines('open_backorders') },
      { id: 'open_lines', label: 'Open lines', value: String(open.n), definition: METRICS.open_lines.definition, href: lines('open_lines') },
      {
        id: 'answered_without_person', label: 'Answered without a person (30 days)',
        value: share(questions.answered, questions.answered + questions.reachedPerson), definition: QUESTIONS_DEFINITION, href: '/console/questions',
      },
      {
        id: 'notices_on_time', label: 'Delay notices on time (8 weeks)', value: share(onTime, sum(notices, () => true)),
        definition: METRICS.delay_notices.definition, href: lines('delay_notices'),
      },
    ],
    charts: [
      {
        id: 'backorders', title: 'Open backorders by supplier', type: 'line', labelHeader: 'Day', table: backorders,
        description: 'Open backorders (as defined above) at the end of each day, over 30 days; today\'s figure is the count now.',
        list: { href: lines('open_backorders'), text: 'List the open backorders' },
      },
      {
        id: 'aging', title: 'Open backorders by age', type: 'stacked-bar', labelHeader: 'Waiting since the order', table: aging,
        description: 'The same open backorders, by days since the customer ordered (the store\'s days), per supplier.',
        list: { href: lines('open_backorders'), text: 'List the open backorders' },
      },
      {
        id: 'told', title: "Time from a supplier's signal to the customer's message", type: 'line', labelHeader: 'Week of', table: told, tableOnly: ['messages'],
        description: 'Hours from the supplier\'s latest word on an order to the message that told its customer: median (p50) and 90th percentile (p90), by week.',
      },
      {
        id: 'deflection', title: '"Where is my order" answered without a person', type: 'stacked-bar', labelHeader: 'Day', table: questions.table,
        description: 'Customer questions per day, answered without a person (by channel) or reached a person. Tasks wismo opened itself are not questions.',
        list: { href: '/console/questions', text: 'List the questions' },
      },
      {
        id: 'notices', title: 'Delay notices on time vs late', type: 'stacked-bar', labelHeader: 'Week of', table: notices,
        description: 'First delay notices per week (FTC record): sent by the line\'s applicable date, or after it.',
        list: { href: lines('delay_notices'), text: 'List the lines with notices' },
      },
      {
        id: 'accuracy', title: 'Stated dates kept: on time by milestone', type: 'line', labelHeader: 'Week of', table: accuracy,
        tableOnly: [LINES_SERIES], description: `${ACCURACY_CHART_DEFINITION} Percent; — where no line of the week had a date at that milestone.`,
      },
    ],
  }
}
