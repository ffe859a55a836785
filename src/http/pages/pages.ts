import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import type { Clock } from '../../clock.ts'
import type { Config } from '../../config.ts'
import type { Db } from '../../store/db.ts'
import type { StoreInfo } from './render.ts'
import type { ChoicePort } from './customer/choices.ts'
import { registerCustomerPages } from './customer/routes.ts'
import { registerConsolePages } from './console/routes.ts'

/** What the pages need: the database, the clock, the store's details and a few settings. */
export interface PagesDeps {
  db: Db
  clock: Clock
  config: Pick<Config, 'holidays' | 'lookupRateLimit'> & Partial<Pick<Config, 'alternativesDelayDays' | 'lookupFailuresPerOrder' | 'lookupFailuresPerClient' | 'lookupFailureWindowMinutes' | 'publicUrl' | 'workingHours' | 'country' | 'countryHolidays' | 'timezone'>>
  store: StoreInfo
  /** Signs the customer's lookup cookie. */
  secret: string
  /** The store's IANA time zone, for times shown on pages. */
  timeZone: string
  choices: ChoicePort
}

const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/assets')
const require = createRequire(import.meta.url)

/** Registers form bodies, static assets (/assets/…), and the customer pages and the console with their cookies. */
export async function registerPages(app: FastifyInstance, deps: PagesDeps): Promise<void> {
  // Every cookie is Secure when customers reach wismo over https (WISMO_PUBLIC_URL), whatever the
  // request looks like here: behind a TLS proxy wismo is not told to trust, it looks like http.
  // Otherwise Secure follows the request ('auto'), so a local http set-up keeps its cookies.
  // These are the defaults of every setCookie/clearCookie: cookie setters leave `secure` to them.
  const secure = /^https:\/\//i.test(deps.config.publicUrl ?? '') ? true : 'auto'
  await app.register(formbody, { bodyLimit: 16_384 })
  await app.register(fastifyStatic, { root: ASSETS, prefix: '/assets/', index: false, list: false, maxAge: '1h' })
  // Chart.js straight from node_modules: no build step, and `npm ci` decides its version.
  const chartFile = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js')
  const chartJs = fs.readFileSync(chartFile)
  app.get('/assets/vendor/chart.umd.min.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(chartJs),
  )
  // The pages are the only routes that read or set cookies: the cookie plugin's hooks (parse on
  // every request, write on every answer) run there alone, not on the API's hot lookup.
  await app.register(async (pages) => {
    await pages.register(cookie, { secret: deps.secret, parseOptions: { secure } })
    registerCustomerPages(pages, deps)
    registerConsolePages(pages, deps)
  })
}
