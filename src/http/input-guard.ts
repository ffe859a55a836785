/**
 * A NUL character is never valid input to wismo and no PostgreSQL text column can hold one: a
 * request that carries one in its address (path or query, `%00`) or in a parsed form or JSON body
 * is refused with a 400 that names where, before any route sees it. Raw bodies (supplier feeds,
 * carrier webhooks) arrive as Buffers and are left to their routes, which store them before they
 * read them and quarantine what cannot be read.
 */
import type { FastifyInstance } from 'fastify'
import { DomainError } from '../domain/errors.ts'
import { findNul } from '../domain/nul.ts'

const NUL_IN_URL = /%00|\u0000/i

export function registerInputGuard(app: FastifyInstance): void {
  // Synchronous hooks: they run on every request (the status lookup's too) and wait on nothing.
  app.addHook('onRequest', (req, _reply, done) => {
    if (NUL_IN_URL.test(req.url)) {
      done(new DomainError('REQUEST_NUL', 'the request address holds a NUL character (%00), which is never valid input'))
    } else done()
  })
  app.addHook('preValidation', (req, _reply, done) => {
    const where = req.body === undefined ? null : findNul(req.body)
    if (where) done(new DomainError('REQUEST_NUL', `${where} holds a NUL character, which is never valid input`))
    else done()
  })
}
