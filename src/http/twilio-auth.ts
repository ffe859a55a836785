/**
 * Twilio's webhook signature (X-Twilio-Signature): HMAC-SHA1 with the account's auth token over
 * the full URL Twilio requested followed by every POST field, sorted by name, as name+value —
 * checked with Twilio's helper (`validateRequest`). The URL is WISMO_PUBLIC_URL + the path and
 * query as received: never the Host header a client sends.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import webhooks from 'twilio/lib/webhooks/webhooks.js'

export interface TwilioAuthConfig {
  twilioAuthToken?: string
  publicUrl: string
}

/** True when the request carries Twilio's signature for this URL and these fields. */
export function isSignedByTwilio(authToken: string, publicUrl: string, pathAndQuery: string, fields: Record<string, string>, signature: string | undefined): boolean {
  if (!signature) return false
  const url = `${publicUrl.replace(/\/+$/, '')}${pathAndQuery}`
  return webhooks.validateRequest(authToken, signature, url, fields)
}

/** A preHandler refusing (403) every request Twilio did not sign; a server without the token refuses all. */
export function requireTwilioSignature(config: TwilioAuthConfig) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const fields = (req.body ?? {}) as Record<string, string>
    const signature = req.headers['x-twilio-signature']
    const token = config.twilioAuthToken
    if (!token || typeof signature !== 'string' || !isSignedByTwilio(token, config.publicUrl, req.url, fields, signature)) {
      return reply.code(403).type('text/plain; charset=utf-8').send(
        token ? 'Forbidden: the X-Twilio-Signature does not match this request.' : 'Forbidden: TWILIO_AUTH_TOKEN is not set on this server.',
      )
    }
  }
}
