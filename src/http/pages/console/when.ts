/**
 * Times on the console in the store's zone, with the zone named ("Dec 7, 2026, 3:05 PM EST"):
 * a rep in another zone, or reading a record later, never has to guess whose 3 PM it was.
 */
const formatters = new Map<string, Intl.DateTimeFormat>()

export function formatLocal(at: Date | string, timeZone: string): string {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' })
    if (formatters.size < 50) formatters.set(timeZone, f)
  }
  return f.format(new Date(at))
}

/** An instant (ISO text or Date) in local words; "—" for none; text that is not an instant is shown as it is. */
export function whenLocal(at: Date | string | null | undefined, timeZone: string): string {
  if (at === null || at === undefined || at === '') return '—'
  const d = new Date(at)
  return Number.isNaN(d.getTime()) ? String(at) : formatLocal(d, timeZone)
}
