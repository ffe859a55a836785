/**
 * "Where is my order" questions customers asked, and how many were answered without a person
 * (DESIGN.md: the manager sees how many were answered without a person). A question is a
 * contact wismo recorded: an order lookup on the page or the API, a call, a text, a helpdesk
 * look-up. It reached a person when the data says so (`contacts.outcome = 'rep_task'`): the
 * caller pressed for a person, a rep looked the order up for a helpdesk ticket. Tasks wismo
 * opens by itself (a backorder, a silent supplier) are no questions and never count here.
 */
import type { Queryable } from './db.ts'
import type { ChartTable } from './dashboard.ts'
import { localDaysBack, pivot } from './chart-table.ts'

export const QUESTIONS_DEFINITION =
  'Customer questions (order lookups on the page or through the API, calls, texts) answered without a person, ' +
  'out of all questions, including those that reached a person (a call handed to a rep, a helpdesk ticket). ' +
  'Tasks wismo opened by itself are not questions and do not count.'

const CHANNEL_WORDS: Record<string, string> = { page: 'order page', api: 'API', voice: 'phone', sms: 'text', helpdesk: 'helpdesk' }
const ANSWERED_ORDER = ['page', 'api', 'voice', 'sms', 'helpdesk'].map((c) => `answered: ${CHANNEL_WORDS[c]}`)
export const REACHED_A_PERSON = 'reached a person'

export interface CustomerQuestions {
  /** Per day (the store's), answered by channel and reached a person. */
  table: ChartTable
  answered: number
  reachedPerson: number
}

/** The last `days` days of questions (the store's days, today included). */
export async function customerQuestions(db: Queryable, now: Date, timeZone: string, days = 30): Promise<CustomerQuestions> {
  const { labels, from } = localDaysBack(now, timeZone, days)
  const rows = await db.query<{ label: string; channel: string; outcome: string; value: number }>(
    `SELECT (at AT TIME ZONE $3)::date::text AS label, channel, outcome, count(*)::int AS value
       FROM contacts WHERE at >= $1 AND at <= $2 GROUP BY 1, 2, 3`,
    [from, now, timeZone],
  )
  const cells = rows.map((r) => ({
    label: r.label, value: r.value,
    series: r.outcome === 'rep_task' ? REACHED_A_PERSON : `answered: ${CHANNEL_WORDS[r.channel] ?? r.channel}`,
  }))
  const seen = new Set(cells.map((c) => c.series))
  const names = [...ANSWERED_ORDER.filter((n) => seen.has(n) || n === 'answered: order page'), REACHED_A_PERSON]
  const sum = (pick: (r: { outcome: string }) => boolean) => rows.filter(pick).reduce((n, r) => n + r.value, 0)
  return { table: pivot(labels, cells, names), answered: sum((r) => r.outcome !== 'rep_task'), reachedPerson: sum((r) => r.outcome === 'rep_task') }
}

export interface QuestionRow {
  at: string
  channel: string
  outcome: 'answered' | 'reached a person'
  orderNumber: string | null
}

/** The questions behind the figure, newest first (at most `limit`). */
export async function listQuestions(db: Queryable, now: Date, timeZone: string, days = 30, limit = 500): Promise<{ total: number; rows: QuestionRow[] }> {
  const { from } = localDaysBack(now, timeZone, days)
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE at >= $1 AND at <= $2', [from, now])
  const rows = await db.query<{ at: Date; channel: string; outcome: string; order_number: string | null }>(
    `SELECT c.at, c.channel, c.outcome, o.order_number FROM contacts c LEFT JOIN orders o ON o.order_id = c.order_id
      WHERE c.at >= $1 AND c.at <= $2 ORDER BY c.at DESC, c.contact_id DESC LIMIT $3`,
    [from, now, limit],
  )
  return {
    total: n,
    rows: rows.map((r) => ({
      at: r.at.toISOString(), channel: CHANNEL_WORDS[r.channel] ?? r.channel,
      outcome: r.outcome === 'rep_task' ? REACHED_A_PERSON : 'answered', orderNumber: r.order_number,
    })),
  }
}
