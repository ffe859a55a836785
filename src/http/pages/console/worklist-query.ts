/**
 * The worklist's filters as a query string: read leniently (a stale or hand-edited link shows the
 * list unfiltered rather than an error), written back into every link and form, and carried
 * through an action so the rep lands on the same list they acted from.
 */
import { z } from 'zod'

export const WorklistQuerySchema = z.object({
  kind: z.string().regex(/^[a-z_]{1,40}$/).optional().catch(undefined),
  supplier: z.string().min(1).max(64).optional().catch(undefined),
  /** Business days open, at least. */
  age: z.coerce.number().int().min(0).max(365).optional().catch(undefined),
  assigned: z.enum(['mine', 'unassigned']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
})

export type WorklistQuery = z.infer<typeof WorklistQuerySchema>

/** The worklist URL for these filters (only those set; page 1 is the default). */
export function worklistHref(q: WorklistQuery, over: Partial<WorklistQuery> = {}): string {
  const all = { ...q, ...over }
  const params = new URLSearchParams()
  if (all.kind) params.set('kind', all.kind)
  if (all.supplier) params.set('supplier', all.supplier)
  if (all.age) params.set('age', String(all.age))
  if (all.assigned) params.set('assigned', all.assigned)
  if (all.page && all.page > 1) params.set('page', String(all.page))
  const text = params.toString()
  return text ? `/console?${text}` : '/console'
}

const ORDER_PATH = /^\/console\/orders\/[^/?#]+$/

/**
 * Where a console action sends the rep back to, with its outcome (`done=task`): the order page
 * it came from, or the worklist with the same filters — only ever a console path built here,
 * never whatever the form said (an open redirect).
 */
export function backTo(back: unknown, outcome: string, anchor = '#tasks'): string {
  if (typeof back === 'string' && ORDER_PATH.test(back)) return `${back}?${outcome}${anchor}`
  let q: WorklistQuery = {}
  if (typeof back === 'string' && /^\/console(\?[^#]*)?$/.test(back)) {
    q = WorklistQuerySchema.parse(Object.fromEntries(new URLSearchParams(back.slice('/console'.length).replace(/^\?/, ''))))
  }
  const href = worklistHref(q)
  return `${href}${href.includes('?') ? '&' : '?'}${outcome}`
}
