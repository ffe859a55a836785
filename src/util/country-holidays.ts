/**
 * The store country's public holidays, from the date-holidays library (DESIGN.md "ETA": business
 * days skip the holidays of the store's country). An adapter: the library is I/O-free but it is
 * not ours, so the domain never calls it; it takes the `YYYY-MM-DD` list this returns
 * (CalendarConfig.holidays, merged in src/status/calendar-config.ts).
 *
 * Only holidays of type `public` count, substitute days included (US 2026-07-03 for the 4th on a
 * Saturday; UK 2026-12-28 for Boxing Day): those are the days carriers and warehouses close.
 * The library's `bank` days (banks shut, parcels move), `school`, `optional` (Christmas Eve in
 * the US) and `observance` days (Valentine's, the day after Thanksgiving) do not: a store that
 * closes on one of those lists it in WISMO_HOLIDAYS.
 */
import Holidays from 'date-holidays'
import type { IsoDate } from '../domain/types.ts'

/** Whose holidays: the store's country (ISO code) and, optionally, a region as the library names it (a US state, a German Land). */
export interface CountryHolidaySource {
  country: string
  region: string | null
}

/**
 * Years either side of an instant whose holidays a calendar carries. Generous so that every
 * ETA, promise and look-back worked out near that instant stays inside the span; a replay
 * asks for the span of its own steps.
 */
export const HOLIDAY_YEARS_AROUND = 3

const calendars = new Map<string, Holidays>()
const byYear = new Map<string, IsoDate[]>()

function sourceKey(s: CountryHolidaySource): string {
  return s.region ? `${s.country}-${s.region}` : s.country
}

function holidaysOf(s: CountryHolidaySource): Holidays {
  const key = sourceKey(s)
  let hd = calendars.get(key)
  if (!hd) {
    hd = s.region ? new Holidays(s.country, s.region) : new Holidays(s.country)
    calendars.set(key, hd)
  }
  return hd
}

/**
 * Why the library cannot give this source's holidays (a message naming the variable to change),
 * or null when it can. Config calls it once at start, so a typo stops wismo instead of silently
 * leaving the holidays out.
 */
export function countryHolidaysProblem(s: CountryHolidaySource): { setting: 'country' | 'region'; message: string } | null {
  const probe = new Holidays()
  const countries = probe.getCountries() ?? {}
  if (!Object.hasOwn(countries, s.country)) {
    return {
      setting: 'country',
      message: `WISMO_COUNTRY "${s.country}": the holidays library (date-holidays) has no holidays for this country; ` +
        'set WISMO_COUNTRY_HOLIDAYS=off and list the store\'s holidays in WISMO_HOLIDAYS',
    }
  }
  if (s.region) {
    const regions = probe.getStates(s.country) ?? {}
    if (!Object.hasOwn(regions, s.region)) {
      const known = Object.keys(regions)
      return {
        setting: 'region',
        message: `WISMO_HOLIDAY_REGION "${s.region}" is not a region of ${s.country} the holidays library knows` +
          (known.length > 0 ? ` (one of ${known.join(', ')})` : ' (it has none for this country: unset it)'),
      }
    }
  }
  return null
}

/** The public holidays of one year, substitute days included (memoized: the library takes milliseconds a year). */
function publicHolidaysOfYear(s: CountryHolidaySource, year: number): IsoDate[] {
  const key = `${sourceKey(s)}:${year}`
  let days = byYear.get(key)
  if (!days) {
    // `date` is the holiday's start as local time in the country ("2026-07-03 00:00:00"): its day.
    days = holidaysOf(s).getHolidays(year)
      .filter((h) => h.type === 'public')
      .map((h) => h.date.slice(0, 10))
    byYear.set(key, days)
  }
  return days
}

/** The public holidays from `fromYear` to `toYear` (both included), sorted, no duplicates. */
export function publicHolidays(s: CountryHolidaySource, fromYear: number, toYear: number): IsoDate[] {
  const all = new Set<IsoDate>()
  for (let y = fromYear; y <= toYear; y++) for (const d of publicHolidaysOfYear(s, y)) all.add(d)
  return [...all].sort()
}

/** The years a calendar used at these instants covers: HOLIDAY_YEARS_AROUND either side of the earliest and latest. */
export function holidayYears(around: Date | readonly Date[]): { from: number; to: number } {
  const years = (Array.isArray(around) ? around : [around as Date]).map((d) => d.getUTCFullYear()).filter(Number.isFinite)
  if (years.length === 0) throw new RangeError('holidayYears: no valid instant to centre the holidays on')
  return { from: Math.min(...years) - HOLIDAY_YEARS_AROUND, to: Math.max(...years) + HOLIDAY_YEARS_AROUND }
}
