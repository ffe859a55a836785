/** What the webhook suite checks in the database: a stored message's outcome, and every accepted webhook applied exactly once. */
import type { Db } from '../../src/store/db.ts'
import type { Delta } from './measure.ts'

export async function messageOf(db: Db, id: number): Promise<{ status: string; summary: string[] | null } | null> {
  const [m] = await db.query<{ status: string; summary: string[] | null }>('SELECT status, summary FROM inbound_messages WHERE message_id = $1', [id])
  return m ?? null
}

/**
 * A webhook run, once its tail is over: every delivery it stored applied (none left received, none
 * a duplicate or quarantined), each bringing its one new carrier event and, while no tracking
 * number has had two webhooks in the run (`firstOfEach`), its order's version moved on (once per UPDATE of
 * its line: the scans' mark, and the tracker view's).
 */
export function checkApplied(label: string, d: Delta, answered: number, sent: number, firstOfEach: boolean): void {
  const problems = [
    d.applied === 0 && 'nothing applied',
    (d.applied < answered || d.applied > sent) && `${d.applied} applied for ${answered} answered 2xx and ${sent} sent`,
    d.duplicate !== 0 && `${d.duplicate} duplicates (every body is a new event)`,
    d.other !== 0 && `${d.other} messages neither applied nor duplicate (left received, quarantined or superseded)`,
    d.carrierEvents !== d.applied && `${d.carrierEvents} new carrier events for ${d.applied} applied webhooks (one each)`,
    firstOfEach && d.versionBumps < d.applied && `${d.versionBumps} order version bumps for ${d.applied} applied webhooks (at least one each)`,
  ].filter(Boolean)
  if (problems.length) throw new Error(`${label}: ${problems.join('; ')}`)
}
