/**
 * Chart colours people can tell apart: the Okabe–Ito palette (Okabe & Ito, "Color Universal
 * Design", 2008), distinguishable with the common colour-vision deficiencies. Series that mean
 * something keep their colour on every chart (late is always vermillion); the rest take the
 * palette in order, so a supplier has the same colour on every chart that lists suppliers in name order.
 */
export const OKABE_ITO = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  bluishGreen: '#009E73',
  reddishPurple: '#CC79A7',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  black: '#000000',
  yellow: '#F0E442',
} as const

/** The order series take colours in: the darker ones first (yellow on white is the faintest). */
export const CHART_PALETTE: readonly string[] = [
  OKABE_ITO.blue, OKABE_ITO.vermillion, OKABE_ITO.bluishGreen, OKABE_ITO.reddishPurple,
  OKABE_ITO.orange, OKABE_ITO.skyBlue, OKABE_ITO.black, OKABE_ITO.yellow,
]

const MEANING: Record<string, string> = {
  'on time': OKABE_ITO.blue,
  late: OKABE_ITO.vermillion,
  'reached a person': OKABE_ITO.vermillion,
  'answered: order page': OKABE_ITO.blue,
  'answered: API': OKABE_ITO.skyBlue,
  'answered: phone': OKABE_ITO.bluishGreen,
  'answered: text': OKABE_ITO.reddishPurple,
  'answered: helpdesk': OKABE_ITO.black,
  'p50 hours': OKABE_ITO.blue,
  'p90 hours': OKABE_ITO.vermillion,
}

/** A colour per series name: its meaning's, else the palette's next (cycling past eight). */
export function seriesColours(names: readonly string[]): string[] {
  let next = 0
  return names.map((name) => MEANING[name] ?? CHART_PALETTE[next++ % CHART_PALETTE.length])
}
