import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { isMetricId, listMetricLines, METRICS } from '../../../store/metric-lines.ts'
import { listQuestions, QUESTIONS_DEFINITION } from '../../../store/customer-questions.ts'
import { sendPage } from '../render.ts'
import type { PagesDeps } from '../pages.ts'
import { requireSession } from './auth-routes.ts'
import { LinesPage, QuestionsPage } from './lines-page.tsx'

const PAGE_SIZE = 250

const LinesQuery = z.object({
  metric: z.string().max(40).optional(),
  supplier: z.string().min(1).max(64).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
})

/** The lists behind the dashboard's figures: `/console/lines?metric=…` and `/console/questions`. */
export function registerMetricPages(app: FastifyInstance, deps: PagesDeps): void {
  app.get('/console/lines', { schema: { hide: true } }, async (req, reply) => {
    const session = await requireSession(deps, req, reply)
    if (!session) return reply
    const q = LinesQuery.parse(req.query ?? {})
    if (!isMetricId(q.metric)) {
      return reply.code(404).type('text/plain; charset=utf-8').send(`There is no list "${String(q.metric ?? '')}"; try metric=open_backorders, open_lines or delay_notices.`)
    }
    const page = q.page ?? 1
    const listed = await listMetricLines(deps.db, q.metric, { now: deps.clock.now(), timeZone: deps.timeZone, supplierId: q.supplier, page, pageSize: PAGE_SIZE })
    const supplierName = q.supplier
      ? (await deps.db.query<{ name: string }>('SELECT name FROM suppliers WHERE supplier_id = $1', [q.supplier]))[0]?.name ?? q.supplier
      : null
    const query = `metric=${q.metric}${q.supplier ? `&supplier=${encodeURIComponent(q.supplier)}` : ''}`
    return sendPage(reply, LinesPage({
      store: deps.store, session, timeZone: deps.timeZone, title: METRICS[q.metric].title, definition: METRICS[q.metric].definition,
      total: listed.total, rows: listed.rows, page, pageSize: PAGE_SIZE, query, supplierName,
      related: q.metric === 'open_backorders' ? { href: '/console?kind=backordered', text: 'Their rep tasks in the worklist' } : undefined,
    }))
  })

  app.get('/console/questions', { schema: { hide: true } }, async (req, reply) => {
    const session = await requireSession(deps, req, reply)
    if (!session) return reply
    const listed = await listQuestions(deps.db, deps.clock.now(), deps.timeZone)
    return sendPage(reply, QuestionsPage({ store: deps.store, session, timeZone: deps.timeZone, definition: QUESTIONS_DEFINITION, total: listed.total, rows: listed.rows }))
  })
}
