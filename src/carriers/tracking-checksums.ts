/**
 * The check-digit algorithms named by the `validation.checksum` blocks of the tracking_number_data
 * specs (src/carriers/data/couriers/*.json). Each takes the serial number (already prefixed by the
 * spec's `serial_number_format`, spaces removed) and the check digit as the number carries it.
 * Pure functions: no I/O, never throw on odd input (a non-digit where a digit belongs fails).
 */
import { z } from 'zod'

/** Every algorithm the 18 courier files name; a spec naming another fails to load. */
export const CHECKSUM_NAMES = ['mod10', 'mod7', 's10', 'sum_product_with_weightings_and_modulo', 'mod_37_36', 'luhn'] as const

/** A spec's `validation.checksum` block: the algorithm and its parameters. */
export const ChecksumSpecSchema = z.object({
  name: z.enum(CHECKSUM_NAMES),
  modulo: z.number().int().positive().optional(),
  evens_multiplier: z.number().int().optional(),
  odds_multiplier: z.number().int().optional(),
  reverse: z.boolean().optional(),
  weightings: z.array(z.number().int()).optional(),
  modulo1: z.number().int().positive().optional(),
  modulo2: z.number().int().positive().optional(),
  alphabet: z.string().optional(),
})
export type ChecksumSpec = z.infer<typeof ChecksumSpecSchema>

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const isDigits = (s: string) => /^[0-9]+$/.test(s)

/** True when `checkDigit` is the one `spec`'s algorithm computes for `serial`. */
export function verifyChecksum(spec: ChecksumSpec, serial: string, checkDigit: string): boolean {
  if (serial.length === 0 || checkDigit.length !== 1) return false
  switch (spec.name) {
    case 'mod10':
      return isDigits(checkDigit) && mod10(serial, spec) === Number(checkDigit)
    case 'mod7':
      return isDigits(serial) && isDigits(checkDigit) && BigInt(serial) % 7n === BigInt(checkDigit)
    case 's10':
      return isDigits(serial) && isDigits(checkDigit) && s10(serial, spec.weightings ?? [8, 6, 4, 2, 3, 5, 9, 7]) === Number(checkDigit)
    case 'sum_product_with_weightings_and_modulo':
      return isDigits(serial) && isDigits(checkDigit) && sumProduct(serial, spec) === Number(checkDigit)
    case 'mod_37_36':
      return mod3736(serial, spec.alphabet ?? ALPHANUMERIC) === checkDigit
    case 'luhn':
      return isDigits(serial) && isDigits(checkDigit) && luhn(serial) === Number(checkDigit)
  }
}

/**
 * Weighted mod 10: characters (read from the right when `reverse`) alternate between the evens
 * and odds multipliers by position (0-based); a letter counts as (its code − 3) mod 10, which is
 * UPS's A=2, B=3 … table. The check digit brings the total up to a multiple of 10.
 */
function mod10(serial: string, spec: ChecksumSpec): number {
  const chars = spec.reverse ? [...serial].reverse() : [...serial]
  let total = 0
  chars.forEach((c, i) => {
    const value = /[0-9]/.test(c) ? Number(c) : (c.charCodeAt(0) - 3) % 10
    const multiplier = i % 2 === 1 ? (spec.odds_multiplier ?? 1) : (spec.evens_multiplier ?? 1)
    total += value * multiplier
  })
  return (10 - (total % 10)) % 10
}

/** UPU S10: weights 8,6,4,2,3,5,9,7; 11 − (sum mod 11), where 10 becomes 0 and 11 becomes 5. */
function s10(serial: string, weightings: number[]): number {
  let total = 0
  for (let i = 0; i < serial.length; i++) total += Number(serial[i]) * (weightings[i] ?? 0)
  const remainder = total % 11
  return remainder === 1 ? 0 : remainder === 0 ? 5 : 11 - remainder
}

/** FedEx's weighted sum: Σ digit × weight, then mod `modulo1`, then mod `modulo2`. */
function sumProduct(serial: string, spec: ChecksumSpec): number {
  const weights = spec.weightings ?? []
  let total = 0
  for (let i = 0; i < serial.length; i++) total += Number(serial[i]) * (weights[i] ?? 0)
  return (total % (spec.modulo1 ?? 11)) % (spec.modulo2 ?? 10)
}

/** ISO 7064 MOD 37,36 (hybrid system, as in the DPD parcel label specification): one character. */
function mod3736(serial: string, alphabet: string): string | null {
  const mod = 36
  let cd = mod
  for (const c of serial) {
    const value = alphabet.indexOf(c)
    if (value < 0) return null
    cd += value
    if (cd > mod) cd -= mod
    cd *= 2
    if (cd > mod) cd -= mod + 1
  }
  cd = mod + 1 - cd
  if (cd === mod) cd = 0
  return alphabet[cd] ?? null
}

/** Luhn: from the right of the serial, every first digit doubled (digits of the product summed). */
function luhn(serial: string): number {
  let total = 0
  for (let i = 0; i < serial.length; i++) {
    let d = Number(serial[serial.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    total += d
  }
  return (10 - (total % 10)) % 10
}
