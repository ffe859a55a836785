/**
 * The nightly learning (DESIGN.md "Truthful dates"): the first sweep of each store day computes
 * that day's ETA model from the history known then, and stores it; every lookup and sweep after
 * uses it. A replay learns the same way at each day it replays, and once more at its end.
 */
import type { Db } from '../store/db.ts'
import { addCalendarDays, DEFAULT_TIME_ZONE, localDay } from '../domain/calendar.ts'
import { DEFAULT_HORIZON_DAYS, learnModel, type EtaModel } from '../domain/estimate/learn.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { loadObservations } from '../store/eta-history.ts'
import { hasModelFor, saveModel } from '../store/eta-models.ts'

export interface LearnSettings {
  /** WISMO_ETA_TARGET: the share of deliveries stated windows should hold (default 0.9). */
  target: number
  /** The store's country (WISMO_COUNTRY), for orders and suppliers that name none. */
  country: string
}

/** The learning settings of a configuration; undefined when learning is off (WISMO_ETA_LEARNING=off). */
export function learnSettings(config: { etaLearning: boolean; etaTarget: number; country: string }): LearnSettings | undefined {
  return config.etaLearning ? { target: config.etaTarget, country: config.country } : undefined
}

export interface LearnResult {
  asOf: string
  computed: boolean
  model: EtaModel | null
}

/** Computes and stores the model of `now`'s store day; with `force`, again even if it exists. */
export async function learnEtas(db: Db, now: Date, calendar: CalendarConfig, settings: LearnSettings, force = false): Promise<LearnResult> {
  const asOf = localDay(now, calendar)
  if (!force && (await hasModelFor(db, asOf))) return { asOf, computed: false, model: null }
  const timeZone = calendar.timeZone ?? DEFAULT_TIME_ZONE
  const scope = { now, asOf, oldest: addCalendarDays(asOf, -DEFAULT_HORIZON_DAYS), timeZone, country: settings.country }
  // Prepared once, these statements would fall to a generic plan after a few nights (the dates are
  // parameters), one that walks every shipment per line: plan them for each night's values.
  const obs = await db.transaction(async (tx) => {
    await tx.query('SET LOCAL plan_cache_mode = force_custom_plan')
    return loadObservations(tx, scope)
  })
  const model = learnModel(obs, { asOf, country: settings.country, target: settings.target, calendar })
  await saveModel(db, model, now)
  return { asOf, computed: true, model }
}
