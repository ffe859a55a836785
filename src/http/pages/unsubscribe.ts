/**
 * The unsubscribe route of every customer email: `GET /unsubscribe?token=…` shows a page that
 * asks to confirm (a link scanner following it changes nothing); `POST` with the same token
 * opts the customer out of optional email — the form's button, or a mail client's RFC 8058
 * one-click POST (`List-Unsubscribe=One-Click`). Legally required delay notices still go.
 */
import type { FastifyInstance } from 'fastify'
import type { Clock } from '../../clock.ts'
import type { Config } from '../../config.ts'
import type { Db } from '../../store/db.ts'
import { verifyUnsubscribeToken } from '../../outreach/unsubscribe-token.ts'

export interface UnsubscribeDeps {
  db: Db
  clock: Clock
  config: Pick<Config, 'storeName' | 'storePhone' | 'supportEmail'> & { secret: string }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(title: string, body: string, store: UnsubscribeDeps['config']): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — ${esc(store.storeName)}</title></head>
<body style="font-family: Arial, sans-serif; color: #1a1a1a; background: #fff; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<main><h1>${esc(title)}</h1>${body}
<p>Questions? Call ${esc(store.storeName)} free at ${esc(store.storePhone)} or write to ${esc(store.supportEmail)}.</p></main></body></html>`
}

/** Registers GET and POST /unsubscribe. */
export function registerUnsubscribeRoutes(app: FastifyInstance, deps: UnsubscribeDeps): void {
  const store = deps.config
  void app.register(async (scope) => {
    // Form posts only here (scoped: other plugins may parse forms their own way).
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    })
    scope.get<{ Querystring: { token?: string } }>('/unsubscribe', async (req, reply) => {
      const token = String(req.query.token ?? '')
      reply.type('text/html; charset=utf-8')
      if (verifyUnsubscribeToken(token, deps.config.secret) === null) {
        return reply.code(400).send(page('This link is not valid', '<p>The unsubscribe link is incomplete or was changed. Use the link in the latest email from us.</p>', store))
      }
      const form = `<p>Stop optional emails about your orders (shipping news, restocks)? Notices the law requires — a delay with your options, a cancellation and refund — still come by email.</p>
<form method="post" action="/unsubscribe?token=${encodeURIComponent(token)}"><button type="submit" name="List-Unsubscribe" value="One-Click">Stop optional emails</button></form>`
      return reply.send(page('Stop optional emails', form, store))
    })
    scope.post<{ Querystring: { token?: string } }>('/unsubscribe', async (req, reply) => {
      const id = verifyUnsubscribeToken(String(req.query.token ?? ''), deps.config.secret)
      reply.type('text/html; charset=utf-8')
      if (id === null) return reply.code(400).send(page('This link is not valid', '<p>Nothing was changed.</p>', store))
      await deps.db.query('UPDATE customers SET opted_out_at = coalesce(opted_out_at, $2) WHERE customer_id = $1', [id, deps.clock.now()])
      return reply.send(page('You will get no more optional emails', '<p>Done. Required notices about delays and refunds will still reach you.</p>', store))
    })
  })
}
