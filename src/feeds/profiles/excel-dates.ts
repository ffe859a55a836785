/**
 * Excel's day numbers. The 1900 date system counts 1900-01-01 as day 1 and, copying Lotus 1-2-3,
 * holds a 29 February 1900 that never was (day 60): days before it are one day off from a plain
 * count. The 1904 system (old Mac workbooks) counts 1904-01-01 as day 0 and has no such day.
 */
const DAY_MS = 86_400_000
const EPOCH_1900 = Date.UTC(1899, 11, 31) // day 0 of the 1900 system, as Excel shows it ("1900-01-00")
const EPOCH_1904 = Date.UTC(1904, 0, 1)

export type SerialReading = { date: string } | { problem: string }

/** The calendar day (YYYY-MM-DD) a serial names; a time of day (the fraction) is dropped. */
export function excelSerialToDate(serial: number, date1904 = false): SerialReading {
  if (!Number.isFinite(serial) || serial < (date1904 ? 0 : 1)) return { problem: `${serial} is not an Excel date serial` }
  const day = Math.floor(serial)
  if (date1904) return { date: isoDay(EPOCH_1904 + day * DAY_MS) }
  if (day === 60) return { problem: 'Excel serial 60 is 1900-02-29, a day that never was (Excel\'s 1900 leap-year bug)' }
  // From day 61 (1900-03-01) on, the phantom leap day shifts the count by one.
  return { date: isoDay(EPOCH_1900 + (day > 60 ? day - 1 : day) * DAY_MS) }
}

/**
 * The day a date-formatted cell shows, from the Date exceljs made of it. exceljs turns a serial
 * into a Date as `(serial - 25569) days after 1970-01-01 UTC` (adding 1462 days in a 1904
 * workbook), which is right from 1900-03-01 on and a day early before; so the serial is taken back
 * and read as Excel does. The UTC calendar day is the day as written: no time zone shifts it.
 */
export function excelCellDate(d: Date): SerialReading {
  const serial = Math.floor(d.getTime() / DAY_MS) + 25569
  if (serial >= 61) return { date: isoDay(Math.floor(d.getTime() / DAY_MS) * DAY_MS) }
  return excelSerialToDate(serial, false)
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}
