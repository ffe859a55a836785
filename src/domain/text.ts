/** Small helpers for customer-facing sentences: dates and plurals, in US English. */
import type { Eta, IsoDate } from './types.ts'

// UTC because IsoDate is a calendar day parsed at UTC midnight; any other zone could show the day before.
const DAY_FORMAT = new Intl.DateTimeFormat('en-US', {
  weekday: 'long',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
})

/** "Friday, December 4" for `2026-12-04`. */
export function formatDay(day: IsoDate): string {
  return DAY_FORMAT.format(new Date(`${day}T00:00:00Z`))
}

/** "by Friday, December 4" for a one-day ETA, else "between Monday, … and Friday, …". */
export function formatWindow(eta: Pick<Eta, 'earliest' | 'latest'>): string {
  if (eta.earliest === eta.latest) return `by ${formatDay(eta.latest)}`
  return `between ${formatDay(eta.earliest)} and ${formatDay(eta.latest)}`
}

/** Picks the singular or plural form for a count: `plural(1, 'is', 'are')` → "is". */
export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many
}

/** Upper-cases the first letter of a sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Joins phrases as "a", "a and b", "a, b and c". */
export function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('')
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
}
