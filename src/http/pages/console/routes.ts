import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { loadSupplierBoard, loadTransportHealth } from '../../../store/supplier-board.ts'
import { calendarFrom } from '../../../status/calendar-config.ts'
import { pathParams, sendPage } from '../render.ts'
import type { PagesDeps } from '../pages.ts'
import { LoginPage } from './login-page.tsx'
import { showWorklist } from './worklist-route.ts'
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
import { registerDeliveryActions } from './delivery-routes.ts'
import { searchOrders } from '../../../store/search.ts'
import { SearchPage } from './search-page.tsx'
import { registerMetricPages } from './metric-routes.ts'

const DONE: Record<string, string> = {
  note: 'Note added.', resend: 'Message queued to be sent again.', choice: 'Choice recorded.', task: 'Task closed.', assign: 'Task assigned.',
  unassign: 'Task unassigned.', reship: 'Reship ordered: the purchase order was sent to the supplier.', refund: 'Refund recorded.',
  claim: 'Carrier claim recorded.',
}
const FAILED: Record<string, string> = {
  note: 'A note needs some text.', resend: 'That message could not be resent.', choice: 'That choice was refused.', task: 'That task was already closed.',
  assign: 'That task could not be assigned (closed, or no such user).', delivery: 'That action was refused.',
}

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
  registerDeliveryActions(app, deps)

  app.get('/console', { schema: { hide: true } }, async (req, reply) => {
    const now = deps.clock.now()
    const session = await sessionOf(deps.db, req, now)
    if (!session) return sendPage(reply, LoginPage({ store: deps.store, csrf: loginCsrf(req, reply) }))
    return showWorklist(deps, req, reply, session, flashOf((req.query ?? {}) as Record<string, unknown>))
  })

  // One box for every key a rep has: an order number typed exactly goes straight to the order.
  app.get('/console/search', { schema: { hide: true } }, async (req, reply) => {
    const session = await requireSession(deps, req, reply)
    if (!session) return reply
    const { q } = z.object({ q: z.string().optional().catch(undefined) }).parse(req.query ?? {})
    const result = await searchOrders(deps.db, (q ?? '').slice(0, 200))
    const exact = result.hits.filter((h) => h.exact)
    if (exact.length === 1) return reply.redirect(`/console/orders/${encodeURIComponent(exact[0].orderNumber)}`, 303)
    return sendPage(reply, SearchPage({ store: deps.store, session, timeZone: deps.timeZone, result }))
  })

  app.get('/console/orders/:number', { schema: { hide: true } }, async (req, reply) => {
    const session = await requireSession(deps, req, reply)
    if (!session) return reply
    const { number } = pathParams(z.object({ number: z.string().min(1).max(64) }), req.params)
    const story = await loadOrderStory(deps.db, number, { now: deps.clock.now(), config: deps.config })
    if (!story) return reply.code(404).type('text/plain; charset=utf-8').send(`There is no order ${number}.`)
    const ftc = await loadFtcRecord(deps.db, number)
    return sendPage(reply, ConsoleOrderPage({
      store: deps.store, session, timeZone: deps.timeZone, story, flash: flashOf(req.query as Record<string, unknown>), extra: FtcSection({ record: ftc, timeZone: deps.timeZone }),
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
    const now = deps.clock.now()
    const calendar = await calendarFrom(deps.db, { ...deps.config, timezone: deps.timeZone }, now)
    const rows = await loadSupplierBoard(deps.db, now, calendar)
    const mailboxes = (await loadTransportHealth(deps.db)).get(null) ?? []
    return sendPage(reply, SuppliersPage({ store: deps.store, session, timeZone: deps.timeZone, rows, mailboxes, now }))
  })

  app.get('/console/dashboard', { schema: { hide: true } }, async (req, reply) => {
    const session = await requireSession(deps, req, reply)
    if (!session) return reply
    const { charts, summary } = await loadDashboard(deps.db, deps.clock.now(), deps.timeZone, deps.config.country)
    return sendPage(reply, DashboardPage({ store: deps.store, session, charts, summary }))
  })

  registerMetricPages(app, deps)
}
