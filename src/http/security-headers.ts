import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'

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
 * Swagger UI (React) inserts one `<style>` element of its own; /docs allows exactly that one by
 * its hash, and nothing else inline. A Swagger UI upgrade that changes it shows in
 * test/http/security-headers.test.ts (Chromium reports the new hash).
 */
export const SWAGGER_UI_STYLE_HASH = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"

/** The policy as a header value, with extra sources per directive (e.g. /docs' style hash). */
export function cspHeader(opts: { https: boolean; extra?: Record<string, string[]> }): string {
  const directives: Record<string, string[]> = { ...CSP_DIRECTIVES }
  for (const [name, sources] of Object.entries(opts.extra ?? {})) directives[name] = [...(directives[name] ?? []), ...sources]
  const parts = Object.entries(directives).map(([name, sources]) => `${name} ${sources.join(' ')}`)
  if (opts.https) parts.push('upgrade-insecure-requests')
  return parts.join(';')
}

/** The CSP of Swagger UI's routes (/docs…), given to @fastify/swagger-ui as `staticCSP`. */
export function docsCsp(publicUrl: string | undefined): string {
  return cspHeader({ https: isHttps(publicUrl), extra: { 'style-src': [SWAGGER_UI_STYLE_HASH] } })
}

function isHttps(publicUrl: string | undefined): boolean {
  return /^https:\/\//i.test(publicUrl ?? '')
}

/**
 * The headers helmet sets with these options, read once: helmet builds them from its options
 * alone (no directive here depends on the request), so every answer gets the same values.
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  }
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err
  })
  return Object.freeze(headers)
}

/** helmet's options for wismo: see {@link registerSecurityHeaders}. */
export function securityHeaderOptions(opts: { publicUrl?: string }): HelmetOptions {
  const https = isHttps(opts.publicUrl)
  const directives: Record<string, string[]> = { ...CSP_DIRECTIVES }
  if (https) directives['upgrade-insecure-requests'] = []
  return {
    contentSecurityPolicy: { useDefaults: false, directives },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  }
}

/**
 * Sets helmet's headers on every answer (errors, 404s and 429s included): CSP, `nosniff`,
 * `Referrer-Policy: no-referrer` (order pages and signed choice links carry secrets in their URLs),
 * `X-Frame-Options: DENY`; HSTS and upgrade-insecure-requests only when wismo is reached over
 * https (`WISMO_PUBLIC_URL`), since HSTS over plain http would make a browser refuse a local setup.
 * Register first, before any other hook or route, so that even a request refused by an early hook
 * carries them.
 *
 * Why not @fastify/helmet: it runs two hooks on every request and builds helmet's middleware anew
 * in one of them (re-parsing the CSP each time) — a few per cent of the hottest route's CPU
 * (docs/benchmarks.md, status). The values never change while the process runs, so they are
 * computed here once, by helmet itself, and set by one synchronous hook.
 */
export function registerSecurityHeaders(app: FastifyInstance, opts: { publicUrl?: string }): void {
  const headers = helmetHeaders(securityHeaderOptions(opts))
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers)
    done()
  })
}
