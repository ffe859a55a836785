import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { DomainError } from '../../../domain/errors.ts'
import { pathParams, sendPage } from '../render.ts'
import type { PagesDeps } from '../pages.ts'
import { LookupPage } from './lookup-page.tsx'
import { OrderPage, type Banner } from './order-page.tsx'
import { hasLookupCookie, orderPath, setLookupCookie } from './lookup-cookie.ts'
import { loadCustomerOrder } from './load-order.ts'
import { countClientFailure, registerLookupRoute } from './lookup-route.ts'
import { choiceRefusal, doneText } from './choice-words.ts'
import { registerShortLinkRoute } from './short-link-route.ts'
import { localDay } from '../../../domain/calendar.ts'

const ChoiceForm = z.object({
  choice: z.enum(['wait', 'switch', 'cancel']),
  sku: z.string().trim().min(1).max(64).optional(),
  accept_price: z.literal('yes').optional(),
  token: z.string().min(1).max(2000).optional(),
})
const OrderQuery = z.object({
  line: z.coerce.number().int().positive().optional(),
  pick: z.string().max(64).optional(),
  token: z.string().max(2000).optional(),
  // same_item: a switch to the same item from another supplier (said as such, not as a switch).
  done: z.enum(['wait', 'switch', 'same_item', 'cancel']).optional(),
})
const Params = z.object({ number: z.string().min(1).max(64) })
const LineParams = Params.extend({ lineNo: z.coerce.number().int().positive() })

/** The customer's pages: lookup, order, choice links and choices. */
export function registerCustomerPages(app: FastifyInstance, deps: PagesDeps): void {
  const lookupLimit = { rateLimit: { max: deps.config.lookupRateLimit, timeWindow: 60_000 } }
  // A message's link for this order: genuine, unexpired, and whether it has been used (a used link
  // is no pass to the order: DESIGN.md "single use per decision").
  const linkFor = async (token: string | undefined, orderNumber: string) => {
    const claims = token ? deps.choices.verifyToken(token, deps.clock.now()) : null
    if (!claims || claims.orderNumber !== orderNumber) return null
    return { claims, used: await deps.choices.isUsed(deps.db, claims) }
  }
  const usableLink = async (token: string | undefined, orderNumber: string) => {
    const link = await linkFor(token, orderNumber)
    return link && !link.used ? link.claims : null
  }

  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    const q = req.query as { by?: string; order?: string }
    return sendPage(reply, LookupPage({ store: deps.store, byPostal: q.by === 'postal', orderNumber: typeof q.order === 'string' ? q.order.slice(0, 64) : undefined }))
  })
  registerLookupRoute(app, deps)
  registerShortLinkRoute(app, deps)

  app.get('/orders/:number', { schema: { hide: true } }, async (req, reply) => {
    const { number } = pathParams(Params, req.params)
    const q = OrderQuery.safeParse(req.query)
    const query = q.success ? q.data : {}
    const link = await linkFor(query.token, number)
    const token = link && !link.used ? link.claims : null
    if (!token && !hasLookupCookie(req, number, deps.clock.now())) {
      return sendPage(reply, LookupPage({ store: deps.store, byPostal: false, orderNumber: number, token: link ? query.token : undefined }))
    }
    return renderOrder(req, reply, number, {
      focusLine: query.line ?? token?.lineNo ?? null,
      pick: query.line && query.pick ? { lineNo: query.line, what: query.pick } : null,
      token: token ? query.token! : null,
      done: query.done && query.line ? { choice: query.done, lineNo: query.line } : null,
    })
  })

  app.get('/orders/:number/choose', { schema: { hide: true } }, async (req, reply) => {
    const { number } = pathParams(Params, req.params)
    const { token: raw, pick } = req.query as { token?: unknown; pick?: unknown }
    const link = typeof raw === 'string' ? await linkFor(raw, number) : null
    if (!link || link.used) {
      // Nothing is set: a used, expired or forged link is no pass to the order (docs/api.md).
      const problem = link?.used
        ? 'That link was already used: your choice is recorded. Look up your order below to see it.'
        : 'That link has expired or is not valid any more. Look up your order below to see its options.'
      // A used link still proves the customer got the message: the form carries it through a lock-out.
      return sendPage(reply, LookupPage({ store: deps.store, byPostal: false, orderNumber: number, problem, token: link ? (raw as string) : undefined }), 400)
    }
    const token = link.claims
    // Rendered here rather than redirected: a redirect from a mail client's click is cross-site,
    // and the strict cookie just set would not come along.
    setLookupCookie(reply, req, number, deps.clock.now())
    // `pick` (an email's button: wait, cancel or an alternative's SKU) opens that choice's confirm panel.
    const what = typeof pick === 'string' && pick.length <= 64 ? pick : null
    return renderOrder(req, reply, number, { focusLine: token.lineNo, pick: what ? { lineNo: token.lineNo, what } : null, token: raw as string, done: null })
  })

  app.post('/orders/:number/lines/:lineNo/choice', { schema: { hide: true }, config: lookupLimit }, async (req, reply) => {
    const { number, lineNo } = pathParams(LineParams, req.params)
    const form = ChoiceForm.safeParse(req.body ?? {})
    const now = deps.clock.now()
    const token = form.success ? await usableLink(form.data.token, number) : null
    const viaToken = token !== null && token.lineNo === lineNo
    if (!viaToken && !hasLookupCookie(req, number, now)) {
      // Neither proof: a failed attempt of this client, in the count the lookups share.
      const limited = await countClientFailure(deps, req, reply, now)
      if (limited) return sendPage(reply, LookupPage({ store: deps.store, byPostal: false, orderNumber: number, limited }), 429)
      return sendPage(reply, LookupPage({ store: deps.store, byPostal: false, orderNumber: number, problem: 'Please look up your order again to make a choice.' }), 403)
    }
    if (!form.success || (form.data.choice === 'switch' && !form.data.sku)) {
      return renderOrder(req, reply, number, { focusLine: lineNo, pick: null, token: viaToken ? form.data!.token! : null, done: null,
        error: 'Please pick one of the options below.' }, 400)
    }
    const f = form.data
    let done: string = f.choice
    try {
      const recorded = await deps.choices.record(deps.db, {
        orderNumber: number, lineNo, choice: f.choice, sku: f.choice === 'switch' ? f.sku : undefined,
        acceptPrice: f.choice === 'switch' && f.accept_price === 'yes',
        decidedBy: 'customer', channel: viaToken ? 'link' : 'page', tokenNonce: viaToken ? token!.nonce : undefined,
        tokenExpiresAt: viaToken ? token!.expiresAt : undefined, now,
      })
      if (recorded.sameItem) done = 'same_item'
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      return renderOrder(req, reply, number, { focusLine: lineNo, pick: null, token: viaToken ? f.token! : null, done: null, error: choiceRefusal(err) }, 409)
    }
    if (viaToken) setLookupCookie(reply, req, number, now)
    return reply.redirect(`${orderPath(number)}?done=${done}&line=${lineNo}#confirmation`, 303)
  })

  async function renderOrder(
    _req: FastifyRequest, reply: FastifyReply, number: string,
    o: { focusLine: number | null; pick: { lineNo: number; what: string } | null; token: string | null; done: { choice: string; lineNo: number } | null; error?: string },
    status = 200,
  ) {
    const order = await loadCustomerOrder(deps.db, number, { now: deps.clock.now(), config: deps.config })
    if (!order) return sendPage(reply, LookupPage({ store: deps.store, byPostal: false, notFound: true }), 404)
    let banner: Banner | null = null
    if (o.error) banner = { kind: 'error', lineNo: o.focusLine, text: o.error }
    else if (o.done) {
      const line = order.view.lines.find((l) => l.lineNo === o.done!.lineNo)
      if (line) banner = { kind: 'done', lineNo: line.lineNo, text: doneText(o.done.choice, line) }
    }
    return sendPage(reply, OrderPage({
      store: deps.store, timeZone: deps.timeZone, view: order.view, timelines: order.timelines, offers: order.offers,
      chosen: order.chosen, today: localDay(deps.clock.now(), deps.timeZone),
      focusLine: o.focusLine, pick: o.pick, token: o.token, banner,
    }), status)
  }
}
