// The load generator, in its own thread so that it does not share the server's event loop.
// Plain JavaScript: a worker thread does not get tsx's loader.
//
// workerData: { url, route: 'bare' | 'status', pairs: [number, email][], connections, duration?, amount?,
//               order: 'random' | 'sequence', offset? }
//   random:   each request a random pair
//   sequence: pairs in the order given, from `offset` on (each request a different order while
//             the list lasts); `used` in the result says how far it got
//   amount:   stop after that many requests instead of after `duration` seconds
import { parentPort, workerData } from 'node:worker_threads'
import autocannon from 'autocannon'

const { url, route, pairs, connections, duration, amount, order = 'random', offset = 0 } = workerData

const pathFor = ([number, email]) =>
  route === 'bare'
    ? `/bench/bare/${encodeURIComponent(number)}`
    : `/api/orders/${encodeURIComponent(number)}/status?email=${encodeURIComponent(email)}`

let next = offset
const pick = () => (order === 'sequence' ? pairs[next++ % pairs.length] : pairs[Math.floor(Math.random() * pairs.length)])

// Off the main thread autocannon hands back raw histograms: aggregate them here.
const opts = {
  url,
  connections,
  ...(amount ? { amount } : { duration }),
  requests: [
    {
      method: 'GET',
      setupRequest: (req) => {
        req.path = pathFor(pick())
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
  // Completed requests over the run's wall time (the per-second histogram is not aggregated off the main thread).
  reqPerSec: raw.totalCompletedRequests / raw.duration,
  meanLatency: result.latency.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  max: result.latency.max,
  ok: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  // Requests set up (some may have been in flight when the run ended): the next sequence offset.
  used: next - offset,
})
