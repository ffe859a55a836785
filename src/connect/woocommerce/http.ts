/**
 * One WooCommerce REST v3 request, with the shop's credentials, and its failure as a PlatformCallError.
 *
 * Through `@woocommerce/woocommerce-rest-api` (WooCommerce's own client) rather than hand-made
 * requests: it signs OAuth 1.0a over http (WooCommerce refuses basic auth without TLS) and uses
 * basic auth over https, which is the part worth not writing twice. It points at a local http test
 * server cleanly. Its axios is told to use its fetch adapter (so a caller can pass `fetch`), to hand
 * back the body as bytes (backfill stores each page raw) and not to throw on a status (mapped here).
 */
import * as wooModule from '@woocommerce/woocommerce-rest-api'
import { PlatformCallError } from '../platform.ts'

// The package is CommonJS compiled from ESM: under Node's ESM loader the class is `.default` of module.exports.
type WooApi = {
  get(endpoint: string, params?: object): Promise<AxiosLike>
  post(endpoint: string, data: object, params?: object): Promise<AxiosLike>
  put(endpoint: string, data: object, params?: object): Promise<AxiosLike>
}
type WooApiClass = new (opts: object) => WooApi
const mod = wooModule as unknown as { default: WooApiClass | { default: WooApiClass } }
const WooCommerceRestApi: WooApiClass = 'default' in mod.default ? mod.default.default : mod.default

interface AxiosLike {
  status: number
  headers: Record<string, unknown> & { get?: (name: string) => unknown }
  data: unknown
}

export interface WooHttpOptions {
  /** The store's address, e.g. https://shop.example.com (the REST API is under /wp-json/wc/v3). */
  url: string
  consumerKey: string
  consumerSecret: string
  fetch?: typeof fetch
  /** Waits out a 429's Retry-After once before giving up (tests pass one that does not sleep). */
  sleep?: (ms: number) => Promise<void>
  timeoutMs?: number
}

export interface WooResponse {
  status: number
  headers: Record<string, string>
  raw: Buffer
  json: unknown
}

export type WooRequest = (method: 'get' | 'post' | 'put', endpoint: string, opts?: { params?: Record<string, string | number | boolean>; data?: object }) => Promise<WooResponse>

const MAX_RETRY_AFTER_MS = 30_000

/** A function that makes one call and returns a 2xx response, or throws PlatformCallError. */
export function createWooRequest(opts: WooHttpOptions): WooRequest {
  const api = new WooCommerceRestApi({
    url: opts.url,
    consumerKey: opts.consumerKey,
    consumerSecret: opts.consumerSecret,
    version: 'wc/v3',
    axiosConfig: {
      adapter: 'fetch',
      env: { fetch: opts.fetch ?? globalThis.fetch },
      responseType: 'arraybuffer',
      timeout: opts.timeoutMs ?? 30_000,
      validateStatus: () => true,
    },
  })
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))

  return async (method, endpoint, { params = {}, data } = {}) => {
    const what = `WooCommerce ${method.toUpperCase()} ${endpoint}`
    for (let attempt = 0; ; attempt++) {
      let res: AxiosLike
      try {
        res = method === 'get' ? await api.get(endpoint, params) : await api[method](endpoint, data ?? {}, params)
      } catch (err) {
        throw new PlatformCallError(`${what}: ${(err as Error).message || 'no answer'}`, { retryable: true, cause: err })
      }
      const out = toResponse(res)
      if (out.status >= 200 && out.status < 300) return out
      const wait = retryAfterMs(out.headers['retry-after'])
      if (out.status === 429 && attempt === 0 && wait !== null && wait <= MAX_RETRY_AFTER_MS) {
        await sleep(wait)
        continue
      }
      throw callError(what, out)
    }
  }
}

function toResponse(res: AxiosLike): WooResponse {
  const raw = Buffer.isBuffer(res.data)
    ? res.data
    : res.data instanceof ArrayBuffer
      ? Buffer.from(res.data)
      : Buffer.from(typeof res.data === 'string' ? res.data : JSON.stringify(res.data ?? ''))
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(res.headers ?? {})) if (v != null && typeof v !== 'function') headers[k.toLowerCase()] = String(v)
  let json: unknown = null
  try {
    json = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : null
  } catch {
    json = null
  }
  return { status: res.status, headers, raw, json }
}

/** 401/403: the key was revoked or lost its rights; 429/5xx: later; anything else: the request itself is wrong. */
function callError(what: string, res: WooResponse): PlatformCallError {
  const body = res.json as { code?: unknown; message?: unknown } | null
  const detail =
    body && typeof body === 'object' && (body.code || body.message)
      ? `${String(body.code ?? '')}: ${String(body.message ?? '')}`
      : res.raw.toString('utf8').slice(0, 200)
  const message = `${what}: HTTP ${res.status} ${detail}`
  if (res.status === 401 || res.status === 403) return new PlatformCallError(message, { retryable: false, revoked: true })
  // A gateway that refused the refund comes back as a 500 with this code: trying again will not help.
  if (body?.code === 'woocommerce_rest_cannot_create_order_refund') return new PlatformCallError(message, { retryable: false })
  if (res.status === 429 || res.status >= 500 || res.status === 408) return new PlatformCallError(message, { retryable: true })
  return new PlatformCallError(message, { retryable: false })
}

function retryAfterMs(v: string | undefined): number | null {
  if (!v) return null
  const s = Number(v)
  return Number.isFinite(s) && s >= 0 ? s * 1000 : null
}
