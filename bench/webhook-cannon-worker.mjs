// The load generator of the webhook suites (bench/webhooks/, bench/platforms.ts), in its own thread so that it does not share the server's event loop.
// Plain JavaScript: a worker thread does not get tsx's loader.
//
// workerData: { url, path, bodies: SharedArrayBuffer, offsets: SharedArrayBuffer (Float64, n + 1), signatures: string[],
//               first, count, connections, duration, indices?,
//               signatureHeader? (default 'x-hmac-signature'), headers? (the same on every request), idHeader?, idPrefix? }
//   Each request POSTs the next body of the pool, from `first` on, wrapping after `count` bodies (or, given `indices`,
//   the bodies of that list in turn, wrapping at its end), with its
//   signature header (and, given `idHeader`, that header set to `idPrefix` + the body's index: a delivery id
//   as distinct as the body). The bodies were built and signed up front by the main thread (shared, not copied):
//   a request here costs a slice and a header, nothing more.
//   `used` in the result: how many bodies were handed out (some may have been in flight when the run ended).
import { parentPort, workerData } from 'node:worker_threads'
import autocannon from 'autocannon'

const { url, path, bodies, offsets, signatures, first, count, connections, duration, indices } = workerData
const { signatureHeader = 'x-hmac-signature', headers = {}, idHeader, idPrefix = '' } = workerData
const offs = new Float64Array(offsets)

let next = 0
const opts = {
  url,
  connections,
  duration,
  requests: [
    {
      method: 'POST',
      path,
      setupRequest: (req) => {
        const i = indices ? indices[next++ % indices.length] : first + (next++ % count)
        const start = offs[i]
        req.body = Buffer.from(bodies, start, offs[i + 1] - start)
        req.headers = { ...req.headers, ...headers, 'content-type': 'application/json', [signatureHeader]: signatures[i] }
        if (idHeader) req.headers[idHeader] = `${idPrefix}${i}`
        return req
      },
    },
  ],
}
const raw = await autocannon(opts)
const result = autocannon.aggregateResult([raw], opts)

parentPort.postMessage({
  duration: result.duration,
  total: result.requests.total,
  reqPerSec: raw.totalCompletedRequests / raw.duration,
  meanLatency: result.latency.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  max: result.latency.max,
  ok: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  used: next,
})
