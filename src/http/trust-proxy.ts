import { isIP } from 'node:net'
import { z } from 'zod'

/**
 * What Fastify's `trustProxy` is given: `false` (the socket's peer is the client), a hop count
 * (trust that many proxies in front of wismo), or the proxies' own addresses / CIDR ranges.
 * `true` (believe every client's `X-Forwarded-For`) is deliberately not representable: it lets
 * any client pick the address the per-client rate limit counts.
 */
export type TrustProxy = false | number | string[]

// proxy-addr's names for well-known ranges (loopback 127.0.0.1/8 + ::1/128, and so on).
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal'])
const OFF = new Set(['', 'off', 'false', 'no', 'none', '0'])
const ALL = new Set(['true', 'on', 'yes', 'all', '*'])

/** Why one comma-list entry is not a proxy address, or null when it is one. */
function entryProblem(entry: string): string | null {
  if (NAMED_RANGES.has(entry)) return null
  const [addr, prefix, ...rest] = entry.split('/')
  const family = isIP(addr)
  if (family === 0 || rest.length > 0) return `"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 2001:db8::/32, loopback)`
  if (prefix === undefined) return null
  const max = family === 4 ? 32 : 128
  // proxy-addr also takes an IPv4 netmask after the slash (10.0.0.0/255.0.0.0).
  if (family === 4 && isIP(prefix) === 4) return null
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `"${entry}": the prefix length must be 0 to ${max}`
  return null
}

/**
 * `WISMO_TRUST_PROXY` as read from the environment: off by default; `1`, `2`, … hops; or a comma
 * list of the proxies' addresses and CIDR ranges. Refuses `true` and anything unreadable.
 */
export const TrustProxySchema = z
  .string()
  .optional()
  .transform((raw, ctx): TrustProxy => {
    const text = (raw ?? '').trim()
    const lower = text.toLowerCase()
    if (OFF.has(lower)) return false
    if (ALL.has(lower)) {
      ctx.addIssue({
        code: 'custom',
        message: `WISMO_TRUST_PROXY=${text} would believe every client's X-Forwarded-For; give the number of proxies in front of wismo (1) or their addresses (10.0.0.0/8)`,
      })
      return z.NEVER
    }
    if (/^\d+$/.test(text)) {
      const hops = Number(text)
      if (hops > 10) ctx.addIssue({ code: 'custom', message: `WISMO_TRUST_PROXY=${text}: a hop count is 1 to 10 proxies` })
      return hops
    }
    const entries = text.split(',').map((e) => e.trim().toLowerCase())
    const problems = entries.map((e) => (e === '' ? 'an empty entry between commas' : entryProblem(e))).filter((p): p is string => p !== null)
    for (const p of problems) ctx.addIssue({ code: 'custom', message: `WISMO_TRUST_PROXY: ${p}` })
    return problems.length > 0 ? z.NEVER : entries
  })

/**
 * The form Fastify takes. Fastify 5 ignores a bare hop count (it cannot tell a proxy from a client
 * that connects directly and sends enough forged hops), so hops become proxy-addr's own rule:
 * the nearest `hops` addresses are proxies. That is safe only when clients cannot reach wismo
 * except through those proxies; listing the proxies' addresses is safe either way.
 */
export function fastifyTrustProxy(tp: TrustProxy | undefined): false | string[] | ((address: string, hop: number) => boolean) {
  if (tp === undefined || tp === false) return false
  if (typeof tp === 'number') return (_address, hop) => hop < tp
  return tp
}
