/**
 * A learned ETA (DESIGN.md "ETA", "Truthful dates"): the distribution of the day a line ships,
 * given what has not happened by today, spread by the learned transit of its lane, cut to the
 * narrowest window holding the calibrated share. Pure. Null when the history is too thin or no
 * longer describes the case: the rules stand then.
 */
import { addCalendarDays, calendarDays, isBusinessDay, nextBusinessDay } from '../calendar.ts'
import type { CalendarConfig, Eta, EtaSource, IsoDate } from '../types.ts'
import { placeOffset } from './day-offset.ts'
import { fromDay, placeHist, shortestWindow, shrinkToward, spread, type DayDist, type Hist } from './hist.ts'
import { transitKeys, type CalibratedMilestone, type EtaModel } from './learn.ts'
import type { Place } from './lane.ts'

/** What is known of the line's way so far: the leg it is on, and where it starts. */
export type Leg =
  /** Not shipped, no supplier date: from the order (paid) day, by the supplier's hand-off. */
  | { kind: 'handoff'; start: IsoDate }
  /** Backordered with no date: from the backorder's first day, by the supplier's backorders. */
  | { kind: 'backorder'; start: IsoDate }
  /** The supplier named a ship date: corrected by how its dates slip. */
  | { kind: 'stated'; stated: IsoDate }
  /** With the carrier since `ship`, no carrier estimate: by the lane's transit. */
  | { kind: 'shipped'; ship: IsoDate; level: string }

export interface Situation {
  today: IsoDate
  calendar: CalendarConfig
  supplier: string | null
  from: Place | null
  to: Place | null
}

export interface LearnedEta extends Eta {
  basis: string
  /** The model groups the window was made from, narrowest first (what `basis` names). */
  uses: string[]
}

/** The widest group a chain starts from needs this many observations; below it, the rules stand. */
export const MIN_BASE = 10
/** How many observations' worth of the wider group a thin group borrows. */
export const BORROW = 8
/** A group with this many observations stands on its own: it borrows nothing. */
export const STANDS_ALONE = 30
/** Below this share of the learned mass left after today, the history does not describe the case. */
const MIN_KEPT = 0.05

interface Chosen { hist: Hist; uses: string[] }

/**
 * The histogram of a chain of groups (narrowest first): the widest with enough observations,
 * each narrower one borrowing from what is above it.
 */
export function chooseHist(groups: Record<string, Hist>, chain: readonly string[]): Chosen | null {
  let current: Chosen | null = null
  for (const key of [...chain].reverse()) {
    const h = Object.hasOwn(groups, key) ? groups[key] : undefined
    if (!h || h.n === 0) continue
    if (!current || h.n >= STANDS_ALONE) {
      if (h.n >= MIN_BASE) current = { hist: h, uses: [key] }
      continue
    }
    current = { hist: shrinkToward(h, current.hist, BORROW), uses: [key, ...current.uses] }
  }
  return current
}

const count = (n: number): string => n.toLocaleString('en-US')

function supplierPhrase(kind: 'hand-off' | 'backorders' | 'stated dates', key: string, n: number): string {
  const who = key === '*' ? `all suppliers' ${kind}` : `supplier ${key} ${kind}`
  return `${who}, ${count(n)} ${kind === 'hand-off' ? 'orders' : kind === 'backorders' ? 'backorders' : 'dates'}`
}

function transitPhrase(key: string, n: number): string {
  const [level, lane] = key.split('|')
  const service = level === '*' ? 'all services' : level
  return lane === '*' ? `${service}, all lanes, ${count(n)} parcels` : `lane ${lane} ${service}, ${count(n)} parcels`
}

/** The basis in words: the narrowest group used, and the widest it borrowed from when not the same. */
function describe(chosen: Chosen, groups: Record<string, Hist>, phrase: (key: string, n: number) => string): string {
  const first = chosen.uses[0]
  const last = chosen.uses[chosen.uses.length - 1]
  const own = phrase(first, groups[first].n)
  return first === last ? own : `${own}, with ${phrase(last, groups[last].n)}`
}

const supplierChain = (supplier: string | null): string[] => (supplier ? [supplier, '*'] : ['*'])

/** The ship day's distribution for an unshipped leg, and the words for what it came from. */
function shipDays(model: EtaModel, leg: Exclude<Leg, { kind: 'shipped' }>, sit: Situation): { dist: DayDist; basis: string; uses: string[]; source: EtaSource } | null {
  const cal = sit.calendar
  const chain = supplierChain(sit.supplier)
  const business = (d: IsoDate): IsoDate => (isBusinessDay(d, cal) ? d : nextBusinessDay(d, cal))
  if (leg.kind === 'handoff') {
    const c = chooseHist(model.handoff, chain)
    if (!c) return null
    return { dist: placeHist(c.hist, (v) => placeOffset(leg.start, v, cal)), basis: describe(c, model.handoff, (k, n) => supplierPhrase('hand-off', k, n)), uses: c.uses.map((k) => `handoff:${k}`), source: 'history' }
  }
  if (leg.kind === 'backorder') {
    const c = chooseHist(model.backorder, chain)
    if (!c) return null
    return { dist: placeHist(c.hist, (v) => business(addCalendarDays(leg.start, v))), basis: describe(c, model.backorder, (k, n) => supplierPhrase('backorders', k, n)), uses: c.uses.map((k) => `backorder:${k}`), source: 'history' }
  }
  const c = chooseHist(model.slip, chain)
  if (!c) return null
  return { dist: placeHist(c.hist, (v) => business(addCalendarDays(leg.stated, v))), basis: describe(c, model.slip, (k, n) => supplierPhrase('stated dates', k, n)), uses: c.uses.map((k) => `slip:${k}`), source: 'supplier' }
}

function transitChain(level: string | null, sit: Situation, country: string): string[] {
  const place = (p: Place): Place => (p.country ? p : { ...p, country })
  const keys = sit.from && sit.to ? transitKeys(level ?? '*', place(sit.from), place(sit.to)) : [`${level ?? '*'}|*`, '*|*']
  // Before it ships, the service is not known: every level's parcels describe it. Once shipped, its
  // service's groups borrow from the service's own wider ones; all parcels only when the service
  // has too few (a 2-day parcel is not described by the lane's ground parcels).
  return level ? keys.filter((k) => !k.startsWith('*|') || k === '*|*') : keys.filter((k) => k.startsWith('*|'))
}

/**
 * The distribution as it stands today. While its window still holds today, it is kept as it was
 * stated (a window that moved every morning would be re-stated, and re-told, every day); once the
 * window has passed with nothing happening, only what can still happen describes it.
 */
function stillOpen(dist: DayDist, today: IsoDate, level: number): { dist: DayDist; kept: number } {
  const w = shortestWindow(dist, level, calendarDays)
  return w && w.latest >= today ? { dist, kept: 1 } : fromDay(dist, today)
}

/** The window (at the milestone's calibrated level) of a line on `leg`, or null to keep the rules. */
export function learnedEta(model: EtaModel | null, leg: Leg, sit: Situation): LearnedEta | null {
  if (!model) return null
  const cal = sit.calendar
  const milestone: CalibratedMilestone = leg.kind === 'shipped' ? 'shipped' : 'ordered'
  const transit = chooseHist(model.transit, transitChain(leg.kind === 'shipped' ? leg.level : null, sit, model.country))
  if (!transit) return null
  const transitBasis = describe(transit, model.transit, transitPhrase)
  const transitUses = transit.uses.map((k) => `transit:${k}`)
  let arrival: DayDist
  let basis: string
  let uses: string[]
  let source: EtaSource
  const level = model.levels[milestone]
  if (leg.kind === 'shipped') {
    const placed = stillOpen(placeHist(transit.hist, (v) => placeOffset(leg.ship, v, cal)), sit.today, level)
    if (placed.kept < MIN_KEPT) return null
    ;({ dist: arrival } = placed)
    basis = transitBasis
    uses = transitUses
    source = 'carrier'
  } else {
    const ship = shipDays(model, leg, sit)
    if (!ship) return null
    const pending = stillOpen(ship.dist, sit.today, level)
    if (pending.kept < MIN_KEPT) return null
    arrival = spread(pending.dist, transit.hist, (d, v) => placeOffset(d, v, cal))
    basis = `${ship.basis}; ${transitBasis}`
    uses = [...ship.uses, ...transitUses]
    source = ship.source
  }
  const w = shortestWindow(arrival, level, calendarDays)
  if (!w) return null
  return { earliest: w.earliest, latest: w.latest, source, basis, uses }
}

