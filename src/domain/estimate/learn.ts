/**
 * Learning the ETA model from history (DESIGN.md "Truthful dates"). Pure: observations in, each
 * with the day it became known; a model as of one day out. Nothing known after that day is
 * read, so a model computed for a past day is the one wismo could have had then.
 */
import { addCalendarDays, calendarDays } from '../calendar.ts'
import type { CalendarConfig, IsoDate } from '../types.ts'
import { encodeOffset } from './day-offset.ts'
import { histOf, survivalHist, type Hist } from './hist.ts'
import { laneKeys, type Place } from './lane.ts'

/** An order line's hand-off: from its order (paid) day to its first shipment. */
export interface HandoffObs { supplier: string; start: IsoDate; ship: IsoDate; known: IsoDate }
/** A line not shipped when it was read (`known`): its hand-off (or backorder) has lasted since `start`. */
export interface OpenObs { supplier: string; start: IsoDate; known: IsoDate }
/** A backorder: from the first backorder word to the first shipment. */
export interface BackorderObs { supplier: string; start: IsoDate; ship: IsoDate; known: IsoDate }
/** The supplier's stated ship date against the day it really shipped. */
export interface SlipObs { supplier: string; stated: IsoDate; ship: IsoDate; known: IsoDate }
/** A parcel's transit: handed to the carrier, delivered. `level` is its service level (`ground`). */
export interface TransitObs { level: string; from: Place; to: Place; ship: IsoDate; delivered: IsoDate; known: IsoDate }
/** A learned window wismo stated at a milestone, the day the line was delivered (not delivered and its window closed: the day after the window), and when that was known (a late one: the day after the window). */
export interface OutcomeObs { milestone: CalibratedMilestone; earliest: IsoDate; latest: IsoDate; delivered: IsoDate; known: IsoDate }

export type CalibratedMilestone = 'ordered' | 'shipped'

export interface Observations {
  handoff: HandoffObs[]
  /** Lines ordered and not shipped yet: hand-offs still under way (optional: none). */
  openHandoff?: OpenObs[]
  backorder: BackorderObs[]
  /** Backorders not shipped yet. */
  openBackorder?: OpenObs[]
  slip: SlipObs[]
  transit: TransitObs[]
  outcomes: OutcomeObs[]
}

export interface LearnOptions {
  asOf: IsoDate
  /** The store's country: a place that names none is there. */
  country: string
  /** The share of deliveries that should fall inside stated windows (WISMO_ETA_TARGET). */
  target: number
  calendar: CalendarConfig
  /** Days after which an observation weighs half (recent weeks weigh more: seasons, peaks). */
  halfLifeDays?: number
  /** Observations older than this many days are not read at all. */
  horizonDays?: number
  /** How far one missed or kept window moves the calibrated level. */
  step?: number
}

export interface EtaModel {
  version: 1
  asOf: IsoDate
  /** The store's country (a place that names none is there). */
  country: string
  target: number
  /** The coverage each milestone's windows are cut at, calibrated so that `target` is kept. */
  levels: Record<CalibratedMilestone, number>
  /** By supplier id, and `*` for all suppliers; values are day offsets (day-offset.ts). */
  handoff: Record<string, Hist>
  /** By supplier id and `*`; values are calendar days. */
  backorder: Record<string, Hist>
  /** By supplier id and `*`; values are calendar days late (negative: early). */
  slip: Record<string, Hist>
  /** By `level|lane` at each precision, `level|*`, `*|lane` and `*|*`; values are day offsets. */
  transit: Record<string, Hist>
}

export const DEFAULT_HALF_LIFE_DAYS = 30
export const DEFAULT_HORIZON_DAYS = 180
export const DEFAULT_STEP = 0.01
/** Calibrated levels stay within these: never a window that keeps nothing, never one of every day. */
export const LEVEL_FLOOR = 0.5
export const LEVEL_CEILING = 0.995
/** Groups narrower than the widest keep only with this many observations (the rest borrow). */
const KEEP_NARROW = 2

type Weighted = { value: number; weight: number }

function groupBy<T>(items: readonly T[], keysOf: (t: T) => string[], sample: (t: T) => Weighted, keepAt: number): Record<string, Hist> {
  const groups = new Map<string, Weighted[]>()
  for (const it of items) {
    const s = sample(it)
    for (const k of keysOf(it)) (groups.get(k) ?? groups.set(k, []).get(k)!).push(s)
  }
  const out: Record<string, Hist> = {}
  for (const k of [...groups.keys()].sort()) {
    const h = histOf(groups.get(k)!)
    if (h.n >= keepAt || k === '*' || k === '*|*') out[k] = h
  }
  return out
}

/**
 * Durations by supplier (and `*`), the ones still under way included (survivalHist): a duration
 * counts from its start day, weighted by how recent that start is; one still open at `asOf` is
 * at least `asOf − start` long. An open one read after `asOf` was open at `asOf` too (it had not
 * shipped by a later day), so it says nothing `asOf` did not know.
 */
function durations(ended: readonly { supplier: string; start: IsoDate; known: IsoDate; value: number }[], open: readonly OpenObs[],
  opts: { asOf: IsoDate; oldest: IsoDate; weight: (day: IsoDate) => number; openValue: (start: IsoDate) => number }): Record<string, Hist> {
  const groups = new Map<string, { ended: Weighted[]; open: Weighted[] }>()
  const put = (supplier: string, kind: 'ended' | 'open', w: Weighted) => {
    for (const k of [supplier, '*']) (groups.get(k) ?? groups.set(k, { ended: [], open: [] }).get(k)!)[kind].push(w)
  }
  for (const o of ended) if (o.known <= opts.asOf && o.start >= opts.oldest) put(o.supplier, 'ended', { value: o.value, weight: opts.weight(o.start) })
  for (const o of open) if (o.start <= opts.asOf && o.known >= opts.asOf && o.start >= opts.oldest) put(o.supplier, 'open', { value: opts.openValue(o.start), weight: opts.weight(o.start) })
  const out: Record<string, Hist> = {}
  for (const k of [...groups.keys()].sort()) {
    const g = groups.get(k)!
    if (g.ended.length === 0) continue
    const h = survivalHist(g.ended, g.open)
    if (h.n >= KEEP_NARROW || k === '*') out[k] = h
  }
  return out
}

/** Transit groups a parcel counts in: its service level and all levels, each lane precision and none. */
export function transitKeys(level: string, from: Place, to: Place): string[] {
  const lanes = laneKeys(from, to)
  return [...lanes.map((l) => `${level}|${l}`), `${level}|*`, ...lanes.map((l) => `*|${l}`), '*|*']
}

/**
 * Adaptive calibration: each resolved window moves its milestone's level up when it missed and
 * down when it held, by `step × (missed − (1 − target))`, so that over time the share missed is
 * 1 − target whatever the drift (Gibbs & Candès, adaptive conformal inference).
 */
export function calibrateLevels(outcomes: readonly OutcomeObs[], target: number, step = DEFAULT_STEP): Record<CalibratedMilestone, number> {
  const levels: Record<CalibratedMilestone, number> = { ordered: target, shipped: target }
  // In a full order, not only by day: the levels are clamped at each step, so outcomes known the
  // same day in another order (as rows come from another query plan) would end elsewhere.
  const key = (o: OutcomeObs) => `${o.known}|${o.milestone}|${o.earliest}|${o.latest}|${o.delivered}`
  const ordered = outcomes.map((o) => ({ o, k: key(o) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.o)
  for (const o of ordered) {
    const missed = o.delivered < o.earliest || o.delivered > o.latest ? 1 : 0
    const next = levels[o.milestone] + step * (missed - (1 - target))
    levels[o.milestone] = Math.min(LEVEL_CEILING, Math.max(LEVEL_FLOOR, next))
  }
  return levels
}

/** The model as of `opts.asOf`, from the observations known by then. */
export function learnModel(obs: Observations, opts: LearnOptions): EtaModel {
  const cal = opts.calendar
  const halfLife = opts.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS
  const oldest = addCalendarDays(opts.asOf, -(opts.horizonDays ?? DEFAULT_HORIZON_DAYS))
  const usable = <T extends { known: IsoDate }>(list: readonly T[]): T[] => list.filter((o) => o.known <= opts.asOf && o.known >= oldest)
  const weight = (known: IsoDate): number => 0.5 ** (calendarDays(known, opts.asOf) / halfLife)
  const bySupplier = (o: { supplier: string }): string[] => [o.supplier, '*']
  return {
    version: 1,
    asOf: opts.asOf,
    country: opts.country,
    target: opts.target,
    levels: calibrateLevels(usable(obs.outcomes), opts.target, opts.step),
    handoff: durations(obs.handoff.map((o) => ({ ...o, value: encodeOffset(o.start, o.ship, cal) })), obs.openHandoff ?? [],
      { asOf: opts.asOf, oldest, weight, openValue: (start) => encodeOffset(start, opts.asOf, cal) }),
    backorder: durations(obs.backorder.map((o) => ({ ...o, value: Math.max(0, calendarDays(o.start, o.ship)) })), obs.openBackorder ?? [],
      { asOf: opts.asOf, oldest, weight, openValue: (start) => Math.max(0, calendarDays(start, opts.asOf)) }),
    slip: groupBy(usable(obs.slip), bySupplier, (o) => ({ value: calendarDays(o.stated, o.ship), weight: weight(o.known) }), KEEP_NARROW),
    transit: groupBy(
      usable(obs.transit).filter((o) => o.delivered >= o.ship),
      (o) => transitKeys(o.level, o.from, o.to),
      (o) => ({ value: encodeOffset(o.ship, o.delivered, cal), weight: weight(o.known) }),
      KEEP_NARROW,
    ),
  }
}
