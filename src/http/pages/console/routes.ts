import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { listWorklist, worklistFacets } from '../../../store/worklist.ts'
import { loadSupplierBoard } from '../../../store/supplier-board.ts'
import { calendarFrom } from '../../../status/calendar-config.ts'
import { pathParams, sendPage } from '../render.ts'
import type { PagesDeps } from '../pages.ts'
import { LoginPage } from './login-page.tsx'
import { WorklistPage } from './worklist-page.tsx'
import { ConsoleOrderPage } from './order-page.tsx'
import { FtcSection } from './ftc-section.tsx'
import { loadFtcRecord } from '../../../store/ftc-record.ts'
import { SuppliersPage } from './suppliers-page.tsx'
import { DashboardPage } from './dashboard-page.tsx'
import { loadOrderStory } from './order-story.ts'
import { loadDashboard } from './dashboard.ts'
import { loginCsrf, sessionOf } from './session.ts'
import { registerAuthRoutes, requireSession } from './auth-routes.ts'
import { registerConsoleActions } from './actions.ts'
import { registerMetricPages } from './metric-routes.ts'

const WorklistQuery = z.object({
  kind: z.string().regex(/^[a-z_]{1,40}$/).optional().catch(undefined),
  supplier: z.string().min(1).max(64).optional().catch(undefined),
  age: z.coerce.number().int().min(0).max(365).optional().catch(undefined),
  done: z.string().optional(),
  error: z.string().optional(),
})

const DONE: Record<string, string> = { note: 'Note added.', resend: 'Message queued to be sent again.', choice: 'Choice recorded.', task: 'Task closed.' }
const FAILED: Record<string, string> = { note: 'A note needs some text.', resend: 'That message could not be resent.', choice: 'That choice was refused.', task: 'That task was already closed.' }

function flashOf(q: Record<string, unknown>): { kind: 'ok' | 'error'; text: string } | null {
  if (typeof q.done === 'string' && DONE[q.done]) return { kind: 'ok', text: DONE[q.done] }
  if (typeof q.error === 'string' && FAILED[q.error]) {
    const reason = typeof q.reason === 'string' ? ` ${q.reason.slice(0, 200)}` : ''
    return { kind: 'error', text: `${FAILED[q.error]}${reason}` }
  }
  return null
}

/** The rep console: worklist, order story, supplier board, dashboard, raw messages. */
export function registerConsolePages(app: FastifyInstance, deps: PagesDeps): void {
  registerAuthRoutes(app, deps)
  registerConsoleActions(app, deps)

  app.get('/console', { schema: { hide: true } }, async (req, reply) => {
    const now = deps.clock.now()
    const session = await sessionOf(deps.db, req, now)
    if (!session) return sendPage(reply, LoginPage({ store: deps.store, csrf: loginCsrf(req, reply) }))
    const q = WorklistQuery.parse(req.query ?? {})
    const filter = { kind: q.kind || undefined, supplierId: q.supplier || undefined, minAgeDays: q.age || undefined }
    const [rows, facets] = await Promise.all([listWorklist(deps.db, filter, now), worklistFacets(deps.db)])
    return sendPage(reply, WorklistPage({ store: deps.store, session, timeZone: deps.timeZone, now, rows, filter, facets, flash: flashOf(q)?.text ?? null }))
  })

  app.get('/console/orders/:number', { schema: { hide: true } }, async (req, reply) => {
    const session = await requireSession(deps, req, reply)
    if (!session) return reply
    const { number } = pathParams(z.object({ number: z.string().min(1).max(64) }), req.params)
    const story = await loadOrderStory(deps.db, number, { now: deps.clock.now(), config: deps.config })
    if (!story) return reply.code(404).type('text/plain; charset=utf-8').send(`There is no order ${number}.`)
    const ftc = await loadFtcRecord(deps.db, number)
    return sendPage(reply, ConsoleOrderPage({
      store: deps.store, session, timeZone: deps.timeZone, story, flash: flashOf(req.query as Record<string, unknown>), extra: FtcSection({ record: ftc }),
    }))
  })

  // The inbound message a signal came from, byte for byte, as text (never rendered as HTML).
  app.get('/console/inbound/:id', { schema: { hide: true } }, async (req, reply) => {
    const session = await requireSession(deps, req, reply)
    if (!session) return reply
    const { id } = pathParams(z.object({ id: z.coerce.number().int().positive() }), req.params)
    const [m] = await deps.db.query<{ body: Buffer; filename: string | null }>('SELECT body, filename FROM inbound_messages WHERE message_id = $1', [id])
    if (!m) return reply.code(404).type('text/plain; charset=utf-8').send(`There is no inbound message ${id}.`)
    const name = (m.filename ?? `message-${id}.txt`).replace(/[^\w.-]/g, '_')
    return reply.type('text/plain; charset=utf-8').header('content-disposition', `inline; filename="${name}"`).header('x-content-type-options', 'nosniff').send(m.body)
  })

  app.get('/console/suppliers', { schema: { hide: true } }, async (req, reply) => {
    const session = await requireSession(deps, req, reply)
    if (!session) return reply
    const calendar = await calendarFrom(deps.db, { holidays: deps.config.holidays, timezone: deps.timeZone })
    const rows = await loadSupplierBoard(deps.db, deps.clock.now(), calendar)
    return sendPage(reply, SuppliersPage({ store: deps.store, session, timeZone: deps.timeZone, rows }))
  })

  app.get('/console/dashboard', { schema: { hide: true } }, async (req, reply) => {
    const session = await requireSession(deps, req, reply)
    if (!session) return reply
    const { charts, summary } = await loadDashboard(deps.db, deps.clock.now(), deps.timeZone)
    return sendPage(reply, DashboardPage({ store: deps.store, session, charts, summary }))
  })

  registerMetricPages(app, deps)
}
