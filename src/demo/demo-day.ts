import { DEFAULT_TIME_ZONE, localDay } from '../domain/calendar.ts'

/** The demo store's day of an instant: its stories are told in the store's zone, as wismo reads them. */
export const demoDay = (t: Date): string => localDay(t, DEFAULT_TIME_ZONE)
