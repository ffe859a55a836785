/**
 * Phone numbers as callers and texters arrive (`+15551234567`, E.164 from Twilio) and as
 * retailers store them (`(555) 123-4567`, `555.123.4567`): compared by their last ten digits,
 * the North American national number. Pure.
 */

/** The digits that identify a North American number; null when there are too few to mean one. */
export function phoneKey(phone: string | null | undefined): string | null {
  const digits = (phone ?? '').replace(/\D/g, '')
  if (digits.length < 10) return null
  return digits.slice(-10)
}

/** The SQL expression over a phone column that equals phoneKey() of its value (indexed in 050). */
export const PHONE_KEY_SQL = (column: string) => `right(regexp_replace(${column}, '\\D', '', 'g'), 10)`
