import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../app.ts'

/** `GET /healthz`: the process is up and its database answers. */
export function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/healthz',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database check',
        response: {
          200: z.object({ ok: z.literal(true), database: z.enum(['pglite', 'postgres']), now: z.string() }),
          503: z.object({ ok: z.literal(false), error: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await deps.db.query('SELECT 1')
        return { ok: true as const, database: deps.db.kind, now: deps.clock.now().toISOString() }
      } catch (err) {
        return reply.code(503).send({ ok: false as const, error: (err as Error).message })
      }
    },
  )
}
