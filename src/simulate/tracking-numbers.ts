/**
 * Tracking numbers that pass wismo's carrier detection (src/carriers/tracking-number.ts): UPS
 * 1Z with its mod-10 check digit, FedEx 12 digits (weights 1,3,7, mod 11), USPS IMpb 22 digits
 * (mod 10, weights 3,1) — the same shapes as the demo's (src/demo/tracking.ts).
 */
import type { Rng } from '../demo/random.ts'
import type { CarrierName } from './carriers.ts'

const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('')

/** 1Z + shipper account (6) + service code (2) + package (7) + check digit. */
function ups(rng: Rng, account: string, service: string): string {
  const body = account + service + digits(rng, 7)
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    const n = /\d/.test(c) ? Number(c) : (c.charCodeAt(0) - 63) % 10
    sum += i % 2 === 1 ? n * 2 : n
  }
  return `1Z${body}${(10 - (sum % 10)) % 10}`
}

function usps(rng: Rng, priority: boolean): string {
  const body = priority ? `920559${digits(rng, 15)}` : `94001${digits(rng, 16)}`
  let sum = 0
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1)
  return `${body}${(10 - (sum % 10)) % 10}`
}

function fedex(rng: Rng): string {
  const body = rng.pick(['7', '7', '8', '9']) + digits(rng, 10)
  const weights = [1, 3, 7]
  let sum = 0
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * weights[i % 3]
  return `${body}${(sum % 11) % 10}`
}

/** A number for `carrier`; `account` is the supplier's 6-character UPS shipper account. */
export function drawTrackingNumber(rng: Rng, carrier: CarrierName, service: string, account: string): string {
  if (carrier === 'UPS') return ups(rng, account, /Next Day/.test(service) ? '01' : /2nd Day/.test(service) ? '02' : '03')
  if (carrier === 'USPS') return usps(rng, /Priority/.test(service))
  return fedex(rng)
}

/** A supplier's UPS shipper account: four letters of its id and two digits. */
export function upsAccount(id: string, n: number): string {
  return id.replace(/[^A-Z]/g, '').padEnd(4, 'X').slice(0, 4) + String(n % 100).padStart(2, '0')
}
