import Fastify, { LogController, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import rateLimit from '@fastify/rate-limit'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Db } from '../store/db.ts'
import { registerOrderRoutes } from './api/orders.ts'
import { registerPromiseRoutes } from './api/promise.ts'
import { registerHealthRoutes } from './api/health.ts'
import { registerSupplierFeedRoutes } from './api/supplier-feeds.ts'
import { registerCarrierWebhookRoutes } from './api/carrier-webhooks.ts'
import { registerPlatformWebhookRoutes } from './api/platform-webhooks.ts'
import { registerPages } from './pages/pages.ts'
import { defaultChoicePort, type ChoicePort } from './pages/customer/choices.ts'
import { registerErrorHandler } from './errors.ts'
import { registerInputGuard } from './input-guard.ts'
import { flushContacts } from '../store/contacts.ts'
import { docsCsp, registerSecurityHeaders } from './security-headers.ts'
import { fastifyTrustProxy } from './trust-proxy.ts'
import { registerChoiceRoutes } from './api/choices.ts'
import { registerRetailerRoutes } from './api/retailer.ts'
import { registerUnsubscribeRoutes } from './pages/unsubscribe.ts'
import { registerPhoneRoutes } from './api/phone.ts'
import { registerHelpdeskRoutes } from './api/helpdesk.ts'
import { signingSecret } from '../store/secret.ts'
import { registerEarlyHangUp, serverLimitOptions } from './request-limits.ts'

export interface AppDeps {
  db: Db
  clock: Clock
  config: Pick<
    Config,
    'holidays' | 'lookupRateLimit' | 'easypostWebhookSecret' | 'aftershipWebhookSecret' | 'shippoWebhookSecret' | 'shippoWebhookToken'
  > &
    // Optional so that a test or benchmark can pass only what it uses; loadConfig always fills them.
    Partial<Pick<Config, 'trustProxy' | 'publicUrl' | 'lookupFailuresPerOrder' | 'lookupFailuresPerClient' | 'lookupFailureWindowMinutes' | 'timezone' | 'secret' | 'switchAbsorbPercent' | 'alternativesDelayDays' | 'purchasingDir' | 'ediId' | 'storeName' | 'storePhone' | 'supportEmail' | 'storeHours' | 'repPhone' | 'twilioAuthToken' | 'country' | 'storeOrigin' | 'countryHolidays'>> &
    Partial<Pick<Config, 'requestTimeoutSeconds' | 'idleTimeoutSeconds' | 'keepAliveTimeoutSeconds' | 'feedMaxMegabytes'>>
  /** false (default) for none; true or pino options (tests pass a `stream` to read the log). */
  logger?: boolean | { level?: string; stream?: { write(line: string): void } }
  /** The customer's choices (tests may pass their own). */
  choices?: ChoicePort
  /** Where supplier feeds are spooled while they arrive (default: the system's temporary folder). */
  spoolDir?: string
  /**
   * How many stored webhook deliveries (carriers', platforms') are applied at once after they were
   * answered (default 2); 0 leaves every one to the sweep (tests of the leftover pickup).
   */
  webhookApplyConcurrency?: number
}

/**
 * What `wismo serve` logs: warnings and server faults (each with its error id and cause), as JSON
 * lines to `stream`. Request logging is off (buildApp): at this level its lines would never be
 * written, yet every request would still pay for building them.
 */
export function serveLogger(stream: { write(line: string): void }): NonNullable<AppDeps['logger']> {
  return { level: 'warn', stream }
}

/** Builds the HTTP app (API, docs, pages) without listening; tests call `app.inject()`. */
export async function buildApp(given: AppDeps): Promise<FastifyInstance> {
  // Links and cookies are signed with WISMO_SECRET or, unset, the secret kept with the database:
  // never with a constant, which anyone could read in the source and forge with.
  const secret = given.config.secret ?? (await signingSecret(given.db))
  const deps: AppDeps = { ...given, config: { ...given.config, secret } }
  // Only the configured proxies' X-Forwarded-For is believed (WISMO_TRUST_PROXY); trusting every
  // client's would let each request choose the address the rate limit counts.
  const app = Fastify({
    logger: deps.logger ?? false,
    // "incoming request" / "request completed" lines (info): none is kept, and each request would
    // build them; faults are logged by the error handler (errors.ts) with the request's id.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    ...serverLimitOptions(deps.config),
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  registerErrorHandler(app)
  // Hooks here run on every request, the hottest route's included: each is synchronous and does
  // only what cannot be scoped to fewer routes (cookies are parsed on the pages alone, pages.ts).
  registerSecurityHeaders(app, { publicUrl: deps.config.publicUrl })
  registerInputGuard(app)
  registerEarlyHangUp(app)
  // Lookups noted for the dashboard are written before the database is let go.
  app.addHook('onClose', async () => flushContacts(deps.db))
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'wismo API',
        version: '0.1.0',
        description: "Where's My Order: order status for customers, reps and integrators.",
      },
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: docsCsp(deps.config.publicUrl) })
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `too many lookups; try again in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  })
  registerHealthRoutes(app, deps)
  registerOrderRoutes(app, deps)
  registerPromiseRoutes(app, deps)
  await registerSupplierFeedRoutes(app, deps)
  registerChoiceRoutes(app, deps)
  registerRetailerRoutes(app, deps)
  await registerCarrierWebhookRoutes(app, deps)
  await registerPlatformWebhookRoutes(app, deps)
  const c = deps.config
  registerUnsubscribeRoutes(app, {
    db: deps.db, clock: deps.clock,
    config: { secret, storeName: c.storeName ?? 'the store', storePhone: c.storePhone ?? '', supportEmail: c.supportEmail ?? '' },
  })
  await registerPhoneRoutes(app, deps)
  registerHelpdeskRoutes(app, deps)
  await registerPages(app, {
    db: deps.db,
    clock: deps.clock,
    config: deps.config,
    secret,
    timeZone: deps.config.timezone ?? 'America/New_York',
    store: {
      name: deps.config.storeName ?? 'Basecamp Outdoor Supply',
      phone: deps.config.storePhone ?? '1-800-555-0142',
      supportEmail: deps.config.supportEmail ?? 'help@basecamp-outdoor.example',
    },
    choices: deps.choices ?? defaultChoicePort(secret, deps.config),
  })
  return app
}
