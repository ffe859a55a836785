/**
 * How much and how slowly a client may send (docs/configuration.md "Request limits").
 *
 * - Bodies: 1 MiB unless a route says otherwise (forms 16 KiB, supplier feeds their own limit).
 *   A declared Content-Length over the limit is refused before a byte is read; a chunked body
 *   is cut off as soon as it passes the limit.
 * - Time: the whole request (headers and body) must arrive within the request timeout; the
 *   headers within at most 30 s of it; a connection silent either way for the idle timeout is
 *   closed. A body trickled a byte at a time therefore holds a connection for at most the
 *   request timeout (plus the check interval), not the 5 minutes of Node's default.
 * - An answer sent before its request's body was read (a refused key, a too-large or unwanted
 *   body) closes the connection, so the rest of that body is never taken in.
 */
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import type { Config } from '../config.ts'

/** The body limit of every route that sets none. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

export type RequestLimitsConfig = Partial<Pick<Config, 'requestTimeoutSeconds' | 'idleTimeoutSeconds' | 'keepAliveTimeoutSeconds'>>

export const REQUEST_TIMEOUT_DEFAULT_SECONDS = 60
export const IDLE_TIMEOUT_DEFAULT_SECONDS = 120
// Longer than the idle timeout of common load balancers (60 s), so they, not wismo, end an idle connection.
export const KEEP_ALIVE_DEFAULT_SECONDS = 72
/** Supplier feeds over HTTP: the one route that takes a large body (streamed to a spool file). */
export const FEED_MAX_DEFAULT_MEGABYTES = 256

/** Fastify's (and Node's http server's) options for these limits. */
export function serverLimitOptions(c: RequestLimitsConfig): Pick<FastifyServerOptions, 'bodyLimit' | 'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout'> & { http: Record<string, number> } {
  const requestTimeout = Math.round((c.requestTimeoutSeconds ?? REQUEST_TIMEOUT_DEFAULT_SECONDS) * 1000)
  return {
    bodyLimit: DEFAULT_BODY_LIMIT,
    requestTimeout,
    connectionTimeout: Math.round((c.idleTimeoutSeconds ?? IDLE_TIMEOUT_DEFAULT_SECONDS) * 1000),
    keepAliveTimeout: Math.round((c.keepAliveTimeoutSeconds ?? KEEP_ALIVE_DEFAULT_SECONDS) * 1000),
    // Node checks the request and headers timeouts every `connectionsCheckingInterval` (30 s by
    // default, which would let a trickle live twice the timeout): check often enough to be near it.
    http: {
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 30_000),
      connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.floor(requestTimeout / 4))),
    },
  }
}

/** True when the request announced a body (a length above zero, or chunks). */
function hasBody(headers: Record<string, unknown>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0
}

/** An answer sent before the request's body was all read closes the connection (see above). */
export function registerEarlyHangUp(app: FastifyInstance): void {
  // Synchronous: it runs on every answer, the status lookup's included.
  app.addHook('onSend', (req, reply, payload, done) => {
    // `complete`: all of it arrived (Node); `readableEnded`: all of it was read (also under inject).
    const taken = req.raw.complete || req.raw.readableEnded
    if (!taken && hasBody(req.headers) && !reply.hasHeader('connection')) reply.header('connection', 'close')
    done(null, payload)
  })
}
