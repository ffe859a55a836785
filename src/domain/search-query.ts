/**
 * What a rep typed in the console's search box, read as every kind of key it could be: an order
 * number (any case, '#', spaces), the digits of an order number or a phone, an email (or its
 * start), words of a name, a postal code. Pure; the store turns each key into an index range.
 */

export interface SearchQuery {
  /** The text as typed, trimmed (shown back to the rep). */
  text: string
  /** Letters and digits, upper case: an order number's start ("#w101301 " → "W101301"). */
  orderKey: string | null
  /** The digits alone, when the text is only digits and phone punctuation: an order number without its letters. */
  orderDigits: string | null
  /** The last ten digits of a phone number typed any way ("(555) 123-4567", "+1 555.123.4567"). */
  phoneKey: string | null
  /** Lower case: the start of an email ("dana@", "dana.fields@example.com"). */
  emailPrefix: string | null
  /** A tsquery over the words of a name, each a prefix ("dana fie" → "dana:* & fie:*"). */
  nameQuery: string | null
  /** Letters and digits, upper case: a postal code's start ("sw1a 1aa" → "SW1A1AA"). */
  postalKey: string | null
}

const MAX_TEXT = 200
const PHONE_CHARS = /^[+\d\s().#-]+$/

/** The keys `raw` can be searched by; every key null when there is nothing to search for. */
export function parseSearch(raw: string): SearchQuery {
  const text = raw.normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT)
  const alnum = text.replace(/[^A-Za-z0-9]/g, '').toUpperCase()
  const hasDigit = /\d/.test(alnum)
  const hasAt = text.includes('@')
  const onlyPhoneChars = PHONE_CHARS.test(text)
  const digits = onlyPhoneChars ? text.replace(/\D/g, '') : ''
  const words = hasAt ? [] : (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 5).map((w) => w.slice(0, 40))
  return {
    text,
    // An order number has a digit; two characters at least, so one keystroke does not list every order.
    orderKey: !hasAt && hasDigit && alnum.length >= 2 && alnum.length <= 40 ? alnum : null,
    orderDigits: digits.length >= 3 && digits.length <= 20 ? digits : null,
    phoneKey: digits.length >= 10 && digits.length <= 15 ? digits.slice(-10) : null,
    emailPrefix: emailPrefixOf(text),
    nameQuery: words.some((w) => /\p{L}/u.test(w)) ? words.map((w) => `${w}:*`).join(' & ') : null,
    postalKey: !hasAt && hasDigit && alnum.length >= 3 && alnum.length <= 10 && text.split(' ').length <= 2 ? alnum : null,
  }
}

/** An email, or the start of one: one word of at least three characters, with a letter. */
function emailPrefixOf(text: string): string | null {
  if (text.includes(' ') || text.length < 3 || text.length > 254) return null
  if (!text.includes('@') && !/^[\p{L}\p{N}._%+-]+$/u.test(text)) return null
  if (!/\p{L}/u.test(text)) return null
  return text.toLowerCase()
}

/** True when nothing in the query can be searched. */
export function isEmptySearch(q: SearchQuery): boolean {
  return !q.orderKey && !q.orderDigits && !q.phoneKey && !q.emailPrefix && !q.nameQuery && !q.postalKey
}

/**
 * The exclusive upper end of the range of strings starting with `prefix`, in byte (code point)
 * order: the prefix with its last character moved up by one. `key ~>=~ prefix AND key ~<~ end`
 * is a btree range even as a prepared statement's parameters (a LIKE 'x%' pattern is only when
 * planned with its value).
 */
export function prefixEnd(prefix: string): string {
  const chars = [...prefix]
  const last = chars.pop()
  if (last === undefined) throw new RangeError('prefixEnd: empty prefix')
  const next = last.codePointAt(0)! + 1
  // Surrogates are not characters: past U+D7FF comes U+E000.
  return chars.join('') + String.fromCodePoint(next >= 0xd800 && next <= 0xdfff ? 0xe000 : next)
}
