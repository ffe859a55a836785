/**
 * `GET /api/promise` (DESIGN.md "Before the purchase"): the window a product page shows — "arrives
 * Mar 24–27" — from the suppliers' current stock and the same rules as an order's ETA. No customer
 * data; rate-limited; readable from the store's own origin (`WISMO_STORE_ORIGIN`) by CORS.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../app.ts'
import { ErrorSchema } from './orders.ts'
import { calendarFrom } from '../../status/calendar-config.ts'
import { localDay } from '../../domain/calendar.ts'
import { normalizeCountry, COUNTRY_EXPECTED } from '../../domain/country.ts'
import { promiseFor, type PromiseOffer } from '../../domain/promise.ts'
import { loadBackorderHistory } from '../../store/order-snapshot.ts'
import { currentModel } from '../../store/eta-models.ts'
import type { Queryable } from '../../store/db.ts'

const QuerySchema = z.object({
  sku: z.string().trim().min(1).max(64).describe('the product'),
  qty: z.coerce.number().int().min(1).max(10_000).default(1).describe('units (default 1)'),
  postal_code: z.string().trim().min(1).max(20).regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, 'letters, digits, spaces or dashes').describe('where it would go'),
  country: z.string().trim().optional().describe('2-letter ISO country of the postal code (default WISMO_COUNTRY)'),
})

const Window = z.object({ earliest: z.string().describe('YYYY-MM-DD'), latest: z.string().describe('YYYY-MM-DD') })
export const PromiseSchema = z.object({
  sku: z.string(),
  inStock: z.boolean(),
  ship: Window.nullable().describe('when it would ship if ordered today; null when no one can say'),
  arrive: Window.extend({
    source: z.enum(['carrier', 'supplier', 'promise', 'history']),
    basis: z.string().describe('what the window rests on, in words'),
  }).nullable(),
})

async function offersOf(db: Queryable, sku: string, now: Date): Promise<PromiseOffer[] | null> {
  const rows = await db.query<{ supplier_id: string | null; available_qty: number | null; restock_date: string | null; lead: number | null; postal: string | null; country: string | null }>(
    `SELECT o.supplier_id, o.available_qty, o.restock_date::text AS restock_date, coalesce(o.lead_time_days, s.lead_time_days) AS lead,
            s.postal_code AS postal, s.country
       FROM products p LEFT JOIN offers o ON o.sku = p.sku LEFT JOIN suppliers s ON s.supplier_id = o.supplier_id
      WHERE p.sku = $1`,
    [sku],
  )
  if (rows.length === 0) return null
  const out: PromiseOffer[] = []
  for (const r of rows) {
    if (r.supplier_id === null) continue
    // Past backorders are read only when they could matter: nobody has it and no one named a date.
    out.push({ supplierId: r.supplier_id, availableQty: r.available_qty, restockDate: r.restock_date, leadTimeDays: Number(r.lead ?? 0), backorderDays: [],
      shipFrom: { postalCode: r.postal, country: r.country ?? '' } })
  }
  const needHistory = out.every((o) => (o.availableQty ?? 0) <= 0 && o.restockDate === null)
  if (needHistory) for (const o of out) o.backorderDays = await loadBackorderHistory(db, o.supplierId, now)
  return out
}

/** CORS for the store's own origin only: its product pages read the answer; no one else's can. */
function allowStoreOrigin(deps: AppDeps, req: FastifyRequest, reply: FastifyReply): void {
  const origin = deps.config.storeOrigin
  reply.header('vary', 'Origin')
  if (origin && req.headers.origin === origin) reply.header('access-control-allow-origin', origin)
}

export function registerPromiseRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.options('/api/promise', { schema: { hide: true } }, async (req, reply) => {
    allowStoreOrigin(deps, req, reply)
    if (deps.config.storeOrigin && req.headers.origin === deps.config.storeOrigin) {
      reply.header('access-control-allow-methods', 'GET').header('access-control-max-age', '600')
    }
    return reply.code(204).send()
  })
  app.withTypeProvider<ZodTypeProvider>().get('/api/promise', {
    config: { rateLimit: { max: deps.config.lookupRateLimit, timeWindow: 60_000 } },
    schema: {
      tags: ['customer'],
      summary: 'When a product would ship and arrive if ordered now',
      description: 'For a product page, before the purchase: from the suppliers\' current stock (846, offers) and the same rules as an order\'s ETA. '
        + 'In stock: the supplier\'s lead time (`promise`); out of stock: a restock date (`supplier`) or the supplier\'s past backorders (`history`); '
        + 'otherwise `ship` and `arrive` are null — never a made-up date. No customer data. Rate-limited; CORS for WISMO_STORE_ORIGIN.',
      querystring: QuerySchema,
      response: { 200: PromiseSchema, 400: ErrorSchema, 404: ErrorSchema, 429: ErrorSchema },
    },
  }, async (req, reply) => {
    allowStoreOrigin(deps, req, reply)
    const q = req.query
    if (q.country !== undefined && !normalizeCountry(q.country)) {
      return reply.code(400).send({ error: { code: 'REQUEST_INVALID', message: `querystring.country: "${q.country}" is not ${COUNTRY_EXPECTED}` } })
    }
    const now = deps.clock.now()
    const offers = await offersOf(deps.db, q.sku, now)
    if (!offers) return reply.code(404).send({ error: { code: 'PRODUCT_NOT_FOUND', message: `There is no product with SKU "${q.sku}".` } })
    const calendar = await calendarFrom(deps.db, deps.config, now)
    const model = await currentModel(deps.db, now)
    const to = { postalCode: q.postal_code, country: q.country ? normalizeCountry(q.country) ?? '' : '' }
    const answer = promiseFor({ qty: q.qty, offers, today: localDay(now, calendar), calendar, model, to })
    return { sku: q.sku, ...answer }
  })
}
