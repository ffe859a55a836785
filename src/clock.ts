/** Where "now" comes from. Everything that needs the time gets a Clock; only main.ts makes one. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock frozen at one instant (from `--now` / `WISMO_NOW`). */
export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) }
}

/** A clock tests can move without sleeping. */
export class TestClock implements Clock {
  #t: number
  constructor(start: Date | string) {
    this.#t = new Date(start).getTime()
  }
  now(): Date {
    return new Date(this.#t)
  }
  set(at: Date | string): void {
    this.#t = new Date(at).getTime()
  }
  advance(ms: number): void {
    this.#t += ms
  }
  advanceDays(days: number): void {
    this.#t += days * 86_400_000
  }
}

/** Parses `--now` / `WISMO_NOW`: an ISO-8601 instant or a plain date (midnight UTC). */
export function parseNow(text: string): Date | null {
  const trimmed = text.trim()
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) return null
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed)
  return Number.isNaN(d.getTime()) ? null : d
}
