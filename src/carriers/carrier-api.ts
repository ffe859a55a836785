/**
 * Asking a carrier API about a tracking number (polling), for parcels whose webhooks went quiet.
 * One narrow interface, `CarrierApi`, and one implementation speaking EasyPost's Trackers API
 * (docs.easypost.com, "Trackers" and "Tracking Guide"): `GET /trackers?tracking_code=…` finds a
 * tracker that already exists; only when there is none is one created with
 * `POST /trackers {"tracker": {"tracking_code", "carrier"}}` (EasyPost bills per tracker). Auth is
 * HTTP Basic with the API key as the user name and no password. The key is never logged and never
 * put in an error message.
 *
 * Every HTTP attempt waits for a token from a client-side bucket (EasyPost limits its index
 * endpoints to 5 requests a second), runs under `AbortSignal.timeout`, and is retried with
 * exponential backoff and jitter on network errors, timeouts, 429 (after `Retry-After` when given)
 * and 5xx — never on another 4xx, which would only fail the same way again.
 */
import { findNul } from '../domain/nul.ts'
import { DomainError } from '../domain/errors.ts'
import type { Clock } from '../clock.ts'
import type { CarrierEvent } from '../domain/types.ts'
import { findCarrier } from './carriers.ts'
import { normalizeTrackingNumber, type TrackerUpdate } from './webhooks/common.ts'
import * as easypost from './webhooks/easypost.ts'

/** What the carrier said about one number: the events, and the response body as received. */
export interface TrackingResult {
  events: CarrierEvent[]
  /** The tracker's own current status and updated_at (the parcel's state; docs/formats.md). */
  tracker?: TrackerUpdate
  raw: Buffer
}

/** A carrier API, as the refresh job needs it. */
export interface CarrierApi {
  /** Short name (`easypost`): the stored message's source is `poll:<provider>`. */
  readonly provider: string
  /** The number's tracking so far; null when the API does not know the number. Throws when the API cannot answer. */
  fetchTracking(trackingNumber: string, carrier: string | null): Promise<TrackingResult | null>
}

/** The API answered, but not with a tracker wismo can read; `raw` is kept so the job can store and quarantine it. */
export class CarrierResponseError extends DomainError {
  readonly raw: Buffer
  constructor(message: string, raw: Buffer, opts: { cause?: unknown; details?: string[] } = {}) {
    super('CARRIER_API_RESPONSE_INVALID', message, opts)
    this.raw = raw
  }
}

export type Sleep = (ms: number) => Promise<void>
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A token bucket: `take()` resolves when a request may go. Callers queue in order. */
export interface RateLimiter {
  take(): Promise<void>
}

/**
 * Allows `ratePerSecond` requests a second on average, with bursts of up to one second's worth.
 * Time comes from `now` (ms, monotonic) and waiting from `sleep`, so tests run without waiting.
 */
export function createRateLimiter(ratePerSecond: number, opts: { sleep?: Sleep; now?: () => number } = {}): RateLimiter {
  if (!(ratePerSecond > 0)) throw new DomainError('CONFIG_INVALID', `the carrier API rate must be above 0 per second (got ${ratePerSecond})`)
  const sleep = opts.sleep ?? realSleep
  const now = opts.now ?? (() => performance.now())
  const capacity = Math.max(1, ratePerSecond)
  let tokens = capacity
  // May run ahead of `now` when an injected sleep does not move the clock: the time waited is owed.
  let last = now()
  let queue: Promise<void> = Promise.resolve()
  const takeOne = async () => {
    const t = now()
    tokens = Math.min(capacity, tokens + (Math.max(0, t - last) / 1000) * ratePerSecond)
    last = Math.max(last, t)
    if (tokens < 1) {
      const wait = ((1 - tokens) / ratePerSecond) * 1000
      await sleep(wait)
      last += wait
      tokens = 1
    }
    tokens -= 1
  }
  return {
    take() {
      const turn = queue.then(takeOne)
      queue = turn.catch(() => {})
      return turn
    },
  }
}

export interface EasyPostApiOptions {
  /** `https://api.easypost.com/v2`, or a local server in tests. */
  baseUrl: string
  apiKey: string
  /** Per attempt, including reading the body. */
  timeoutMs?: number
  /** Retries after the first attempt. */
  retries?: number
  ratePerSecond: number
  /** Create a tracker when none exists (EasyPost bills each); off: an unknown number is null. */
  createTrackers?: boolean
  /** A `Retry-After` longer than this gives up at once rather than hold the job. */
  maxRetryAfterMs?: number
  fetch?: typeof globalThis.fetch
  sleep?: Sleep
  /** Monotonic ms for the rate limiter (tests move it with their sleep). */
  now?: () => number
  /** Wall time, for a `Retry-After` given as an HTTP date. */
  clock: Clock
  /** For jitter; tests pin it. */
  random?: () => number
}

interface HttpAnswer {
  status: number
  body: Buffer
}

const BACKOFF_BASE_MS = 500
const BACKOFF_CAP_MS = 30_000

/** Exponential backoff with "equal jitter": half the step fixed, half random, so retries spread out. */
function backoffMs(attempt: number, random: () => number): number {
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)
  return Math.round(step / 2 + (step / 2) * random())
}

/** `Retry-After` as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  const at = Date.parse(v)
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime())
}

/** EasyPost's error body `{"error": {"code", "message"}}` in a few words, for error messages. */
function describeError(body: Buffer): string {
  try {
    const e = (JSON.parse(body.toString('utf8')) as { error?: { code?: unknown; message?: unknown } }).error
    const parts = [e?.code, e?.message].filter((p): p is string => typeof p === 'string' && p !== '')
    return parts.length > 0 ? `: ${parts.join(' ').slice(0, 200)}` : ''
  } catch {
    return ''
  }
}

function describeFailure(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } }
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`
  return `network error: ${e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err)}`
}

/** EasyPost's carrier names for the carriers wismo knows; others are left to EasyPost's detection. */
const EASYPOST_CARRIERS: Record<string, string> = {
  ups: 'UPS', fedex: 'FedEx', usps: 'USPS', canada_post: 'CanadaPost', purolator: 'Purolator', ontrac: 'OnTrac',
}

/** The EasyPost carrier name for a shipment's carrier, or null to let EasyPost detect it. */
export function easyPostCarrier(carrier: string | null): string | null {
  const known = findCarrier(carrier)
  return known ? EASYPOST_CARRIERS[known.key] ?? null : null
}

function readJson(raw: Buffer, what: string): unknown {
  let value: unknown
  try {
    value = JSON.parse(raw.toString('utf8'))
  } catch (err) {
    throw new CarrierResponseError(`EasyPost ${what}: the answer is not JSON`, raw, { cause: err })
  }
  const nul = findNul(value, 'the answer')
  if (nul) throw new CarrierResponseError(`EasyPost ${what}: ${nul} holds a NUL character`, raw)
  return value
}

/** A tracker (parsed JSON) → carrier events and its status, with the webhook adapter's mapping (one mapping for both ways in). */
function trackerEvents(tracker: unknown, raw: Buffer): Pick<TrackingResult, 'events' | 'tracker'> {
  try {
    const read = easypost.normalize({ id: 'poll', description: 'tracker.updated', result: tracker })
    return read.tracker ? { events: read.events, tracker: read.tracker } : { events: read.events }
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    // The webhook's words ("result.…", "tracking webhook") would mislead here: this is a tracker.
    const say = (m: string) => m.replace('tracking webhook', 'tracker').replace(/\bresult\./g, '')
    throw new CarrierResponseError(`EasyPost: ${say(err.message)}`, raw, { cause: err, details: err.details.map(say) })
  }
}

/** The tracker for this number in a `GET /trackers` answer (newest first), or null. */
function pickTracker(list: unknown, number: string, raw: Buffer): unknown {
  const trackers = (list as { trackers?: unknown })?.trackers
  if (!Array.isArray(trackers)) throw new CarrierResponseError('EasyPost GET /trackers: the answer has no "trackers" list', raw)
  const code = (t: unknown) => (t as { tracking_code?: unknown })?.tracking_code
  return trackers.find((t) => typeof code(t) === 'string' && normalizeTrackingNumber(code(t) as string) === number) ?? null
}

type Send = (method: 'GET' | 'POST', path: string, json?: unknown) => Promise<HttpAnswer>

/** One attempt's outcome: an answer to hand back, or why to retry and after how long (null: backoff). */
type Attempt = { answer: HttpAnswer } | { problem: string; retryAfterMs: number | null; err?: unknown }

/**
 * The HTTP side: every attempt waits for the limiter and runs under a timeout; network errors,
 * timeouts, 429 and 5xx are retried (see the file's comment), anything else is handed back.
 */
function createSender(opts: EasyPostApiOptions): Send {
  const { timeoutMs = 10_000, retries = 3, maxRetryAfterMs = 60_000 } = opts
  const base = opts.baseUrl.replace(/\/+$/, '')
  const fetchImpl = opts.fetch ?? globalThis.fetch
  const sleep = opts.sleep ?? realSleep
  const random = opts.random ?? Math.random
  const limiter = createRateLimiter(opts.ratePerSecond, { sleep, now: opts.now })
  const authorization = `Basic ${Buffer.from(`${opts.apiKey}:`).toString('base64')}`

  async function attempt(method: string, url: string, json: unknown): Promise<Attempt> {
    try {
      const res = await fetchImpl(url, {
        method,
        headers: { authorization, accept: 'application/json', ...(json ? { 'content-type': 'application/json' } : {}) },
        body: json ? JSON.stringify(json) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      })
      const body = Buffer.from(await res.arrayBuffer())
      if (res.status !== 429 && res.status < 500) return { answer: { status: res.status, body } }
      return { problem: `HTTP ${res.status}${describeError(body)}`, retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), opts.clock.now()) }
    } catch (err) {
      return { problem: describeFailure(err, timeoutMs), retryAfterMs: null, err }
    }
  }

  return async (method, path, json) => {
    const label = `EasyPost ${method} ${path.split('?')[0]}`
    let last: Exclude<Attempt, { answer: HttpAnswer }> = { problem: 'not tried', retryAfterMs: null }
    for (let n = 0; n <= retries; n++) {
      await limiter.take()
      const result = await attempt(method, `${base}${path}`, json)
      if ('answer' in result) return result.answer
      last = result
      const asked = result.retryAfterMs
      if (asked !== null && asked > maxRetryAfterMs) {
        throw new DomainError('CARRIER_API_UNAVAILABLE', `${label}: ${result.problem}; asked to wait ${Math.ceil(asked / 1000)} s, more than ${maxRetryAfterMs / 1000} s`)
      }
      if (n < retries) await sleep(asked ?? backoffMs(n, random))
    }
    throw new DomainError('CARRIER_API_UNAVAILABLE', `${label}: gave up after ${retries + 1} attempts; last: ${last.problem}`, { cause: last.err })
  }
}

function refused(label: string, answer: HttpAnswer): DomainError {
  return new DomainError('CARRIER_API_REFUSED', `${label}: HTTP ${answer.status}${describeError(answer.body)}`)
}

/** The newest tracker EasyPost already has for the number (free to read), or null. */
async function findTracker(send: Send, number: string, carrier: string | null): Promise<TrackingResult | null> {
  const query = new URLSearchParams({ tracking_code: number, ...(carrier ? { carrier } : {}) })
  const answer = await send('GET', `/trackers?${query}`)
  if (answer.status === 404) return null
  if (answer.status >= 400) throw refused('EasyPost GET /trackers', answer)
  const tracker = pickTracker(readJson(answer.body, 'GET /trackers'), number, answer.body)
  return tracker ? { ...trackerEvents(tracker, answer.body), raw: answer.body } : null
}

/** Creates a tracker (billed by EasyPost); null when EasyPost does not know the number. */
async function createTracker(send: Send, number: string, carrier: string | null): Promise<TrackingResult | null> {
  const answer = await send('POST', '/trackers', { tracker: { tracking_code: number, ...(carrier ? { carrier } : {}) } })
  // 404, or 422 (EasyPost cannot match the code to a carrier): the API does not know this number.
  if (answer.status === 404 || answer.status === 422) return null
  if (answer.status >= 400) throw refused('EasyPost POST /trackers', answer)
  return { ...trackerEvents(readJson(answer.body, 'POST /trackers'), answer.body), raw: answer.body }
}

/** A `CarrierApi` on EasyPost's Trackers API (see the file's comment for what it does on the wire). */
export function createEasyPostApi(opts: EasyPostApiOptions): CarrierApi {
  if (!opts.apiKey) throw new DomainError('CONFIG_INVALID', 'the carrier API needs CARRIER_API_KEY')
  const send = createSender(opts)
  const createTrackers = opts.createTrackers ?? true
  return {
    provider: 'easypost',
    async fetchTracking(trackingNumber, carrierName) {
      const number = normalizeTrackingNumber(trackingNumber)
      const carrier = easyPostCarrier(carrierName)
      const existing = await findTracker(send, number, carrier)
      if (existing || !createTrackers) return existing
      return createTracker(send, number, carrier)
    },
  }
}

/**
 * The carrier events of a stored poll answer (a `GET /trackers` list or a created tracker), read
 * as on arrival: how a sweep finishes an answer whose process stopped before applying it.
 */
export function readTrackingAnswer(raw: Buffer, number: string): CarrierEvent[] {
  const json = readJson(raw, 'answer')
  if (Array.isArray((json as { trackers?: unknown })?.trackers)) {
    const tracker = pickTracker(json, normalizeTrackingNumber(number), raw)
    return tracker ? trackerEvents(tracker, raw).events : []
  }
  return trackerEvents(json, raw).events
}
