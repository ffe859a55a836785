import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import rateLimit from '@fastify/rate-limit'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Db } from '../store/db.ts'
import { DomainError } from '../domain/errors.ts'
import { registerOrderRoutes } from './api/orders.ts'
import { registerHealthRoutes } from './api/health.ts'
import { registerSupplierFeedRoutes } from './api/supplier-feeds.ts'
import { registerCarrierWebhookRoutes } from './api/carrier-webhooks.ts'
import { registerPages } from './pages/pages.ts'
import { defaultChoicePort, type ChoicePort } from './pages/customer/choices.ts'
import { httpStatusFor } from './errors.ts'

export interface AppDeps {
  db: Db
  clock: Clock
  config: Pick<
    Config,
    'holidays' | 'lookupRateLimit' | 'easypostWebhookSecret' | 'aftershipWebhookSecret' | 'shippoWebhookSecret' | 'shippoWebhookToken'
  > &
    Partial<Pick<Config, 'secret' | 'storeName' | 'storePhone' | 'supportEmail' | 'switchAbsorbPercent' | 'alternativesDelayDays' | 'ediId'>> & {
      timezone?: string
    }
  logger?: boolean
  /** The customer's choices (tests may pass their own). */
  choices?: ChoicePort
}

/** Builds the HTTP app (API, docs, pages) without listening; tests call `app.inject()`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger ?? false, trustProxy: true })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const problems = err.validation.map((v) => `${err.validationContext ?? 'request'}${v.instancePath.replace(/\//g, '.')}: ${v.message}`)
      return reply.code(400).send({ error: { code: 'REQUEST_INVALID', message: problems.join('; '), problems } })
    }
    if (err instanceof DomainError) {
      return reply.code(httpStatusFor(err.code)).send({ error: { code: err.code, message: err.message, problems: err.details } })
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: { code: err.code ?? 'REQUEST_INVALID', message: err.message } })
    }
    req.log.error(err)
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } })
  })
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
  await app.register(swaggerUi, { routePrefix: '/docs' })
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
  registerSupplierFeedRoutes(app, deps)
  await registerCarrierWebhookRoutes(app, deps)
  const secret = deps.config.secret ?? 'wismo-development-secret-change-me'
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
