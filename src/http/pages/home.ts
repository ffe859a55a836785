import type { FastifyInstance } from 'fastify'

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>wismo — where's my order?</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#1f2933}
code{background:#f0f4f8;padding:.1rem .3rem;border-radius:3px}a{color:#0b69a3}</style></head>
<body><h1>wismo</h1>
<p>wismo answers "where is my order?" before the customer has to ask: it watches every unshipped order line,
reads what suppliers and carriers say, and explains each line's state and arrival date in plain words.</p>
<ul>
<li>Order status API: <code>GET /api/orders/{number}/status?email=…</code> or <code>?postal_code=…</code></li>
<li><a href="/docs">API documentation</a> (OpenAPI JSON at <a href="/docs/json">/docs/json</a>)</li>
<li><a href="/healthz">Health check</a></li>
</ul></body></html>`

/** `GET /`: says what this is and where the docs are (the customer page replaces it later). */
export function registerHomePage(app: FastifyInstance): void {
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE))
}
