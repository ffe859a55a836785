/** `GET /console` with a session: the worklist page, its filters read from the query string. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Session } from '../../../store/sessions.ts'
import { listWorklist, worklistFacets, type WorklistFilter } from '../../../store/worklist.ts'
import { calendarFrom } from '../../../status/calendar-config.ts'
import { businessHoursBefore, businessHoursBetween, DEFAULT_WORKING_HOURS } from '../../../domain/business-hours.ts'
import { sendPage } from '../render.ts'
import type { PagesDeps } from '../pages.ts'
import { WorklistPage, type WorklistProps } from './worklist-page.tsx'
import { WorklistQuerySchema } from './worklist-query.ts'

export async function showWorklist(deps: PagesDeps, req: FastifyRequest, reply: FastifyReply, session: Session, flash: WorklistProps['flash']) {
  const now = deps.clock.now()
  const query = WorklistQuerySchema.parse(req.query ?? {})
  const calendar = await calendarFrom(deps.db, { ...deps.config, timezone: deps.timeZone }, now)
  const wh = deps.config.workingHours ?? DEFAULT_WORKING_HOURS
  const filter: WorklistFilter = {
    kind: query.kind, supplierId: query.supplier, assignee: query.assigned, now,
    // "3 business days or more": opened at least three working days' hours ago.
    openedBy: query.age ? businessHoursBefore(now, query.age * (wh.end - wh.start), calendar, wh) : undefined,
  }
  const [data, facets] = await Promise.all([
    listWorklist(deps.db, filter, { userId: session.userId, page: query.page }),
    worklistFacets(deps.db, filter, session.userId),
  ])
  const ages = new Map(data.rows.map((t) => [t.taskId, businessHoursBetween(new Date(t.createdAt), now, calendar, wh)]))
  return sendPage(reply, WorklistPage({ store: deps.store, session, timeZone: deps.timeZone, data, query: { ...query, page: data.page }, facets, ages, workingHours: wh, flash }))
}
