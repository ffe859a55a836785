import type { FastifyInstance } from 'fastify'
import helmet from '@fastify/helmet'

/**
 * The Content-Security-Policy every answer carries. Pages live within it: no inline scripts or
 * styles (serve JS and CSS as files under `/assets/…`), no framing, forms post only to wismo.
 * Swagger UI at /docs fits too (its scripts and styles are files, its icons data: URIs).
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
  'base-uri': ["'none'"],
  'object-src': ["'none'"],
}

/**
 * Registers helmet for every route (errors, 404s and 429s included): CSP, `nosniff`,
 * `Referrer-Policy: no-referrer` (order pages and signed choice links carry secrets in their URLs),
 * `X-Frame-Options: DENY`; HSTS and upgrade-insecure-requests only when wismo is reached over
 * https (`WISMO_PUBLIC_URL`), since HSTS over plain http would make a browser refuse a local setup.
 * Register before any route.
 */
export async function registerSecurityHeaders(app: FastifyInstance, opts: { publicUrl?: string }): Promise<void> {
  const https = /^https:\/\//i.test(opts.publicUrl ?? '')
  const directives: Record<string, string[]> = { ...CSP_DIRECTIVES }
  if (https) directives['upgrade-insecure-requests'] = []
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  })
}
