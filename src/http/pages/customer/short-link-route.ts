/**
 * `GET /l/{code}`: the short links of an email's text part (src/outreach/short-link.ts). A known,
 * unexpired code answers 302 to its long signed choice URL, which then does all the checking —
 * the redirect neither uses nor spends the token. Every other code (unknown, expired, malformed)
 * gets the same 404 page, so a probe learns nothing about which codes exist.
 */
import type { FastifyInstance } from 'fastify'
import { resolveShortLink } from '../../../store/short-links.ts'
import { sendPage } from '../render.ts'
import type { PagesDeps } from '../pages.ts'
import { LookupPage } from './lookup-page.tsx'

const GONE = 'That link has expired or is not valid any more. Look up your order below to see its options.'

export function registerShortLinkRoute(app: FastifyInstance, deps: PagesDeps): void {
  app.get('/l/:code', { schema: { hide: true } }, async (req, reply) => {
    const code = String((req.params as { code?: unknown }).code ?? '')
    const url = await resolveShortLink(deps.db, code, deps.clock.now())
    if (!url) return sendPage(reply, LookupPage({ store: deps.store, byPostal: false, problem: GONE }), 404)
    return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url, 302)
  })
}
