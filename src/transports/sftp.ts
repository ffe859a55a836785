/**
 * One poll of a supplier's SFTP transport (DESIGN.md "Supplier transports"): connect, check the
 * pinned host key, take the new files in, put wismo's documents out, and record the health.
 * A changed host key stops the transport and opens a rep task; any other failure is recorded and
 * the next poll waits longer (the interval doubled per failure in a row, at most an hour).
 */
import type { Db } from '../store/db.ts'
import { openTask } from '../store/tasks.ts'
import { HostKeyChanged, openSftp, parseSftpUrl, type ConnectOptions } from './sftp-connect.ts'
import { fetchInbound, type InboundResult } from './sftp-inbound.ts'
import { sendOutbound } from './sftp-outbound.ts'
import {
  claimDueTransports, pinHostKey, recordPollFailure, recordPollSuccess, stopTransport, type SupplierTransport,
} from './transport-store.ts'

export interface PollOptions {
  now: Date
  /** The signing secret the credentials are sealed with. */
  secret: string
  log?: (s: string) => void
  connect?: ConnectOptions
}

export type PollResult =
  | ({ outcome: 'ok'; sent: string[] } & InboundResult)
  | ({ outcome: 'failed'; error: string; sent: string[] } & InboundResult)
  | { outcome: 'stopped'; reason: string }

const empty = (): InboundResult => ({ fetched: [], waiting: [], repeated: [], archived: [] })

export const hostKeyTaskKey = (transportId: number) => `transport_host_key:${transportId}`

/** Polls one transport now. Never throws for a remote fault: the result and the row say what happened. */
export async function pollSftp(db: Db, t: SupplierTransport, opts: PollOptions): Promise<PollResult> {
  const log = opts.log ?? (() => {})
  if (t.status === 'stopped') return { outcome: 'stopped', reason: t.stoppedReason ?? 'stopped' }
  const inbound = empty()
  const sent: string[] = []
  let session
  try {
    session = await openSftp(t, opts.secret, opts.connect)
  } catch (err) {
    if (err instanceof HostKeyChanged) return stopForHostKey(db, t, err, opts.now, log)
    return failed(db, t, opts.now, err, inbound, sent, log)
  }
  const limit = setTimeout(() => void session.client.end().catch(() => {}), opts.connect?.pollLimitMs ?? 9 * 60_000)
  try {
    if (t.hostKey === null && !(await pinHostKey(db, t.transportId, session.fingerprint))) {
      throw new Error('another host key was pinned while this poll connected; polled again next time')
    }
    const { dir } = parseSftpUrl(t.url)
    Object.assign(inbound, await fetchInbound(db, session.client, t, dir, opts.now, log))
    if (t.settings.outboundDir) sent.push(...(await sendOutbound(db, session.client, t, t.settings.outboundDir, opts.now, log)))
  } catch (err) {
    return failed(db, t, opts.now, err, inbound, sent, log)
  } finally {
    clearTimeout(limit)
    await session.client.end().catch(() => {})
  }
  await recordPollSuccess(db, t, opts.now, inbound.fetched.length)
  return { outcome: 'ok', sent, ...inbound }
}

async function failed(db: Db, t: SupplierTransport, now: Date, err: unknown, inbound: InboundResult, sent: string[], log: (s: string) => void): Promise<PollResult> {
  const error = (err as Error)?.message ?? String(err)
  log(`sftp ${t.supplierId}: poll failed: ${error}`)
  await recordPollFailure(db, t, now, error, inbound.fetched.length)
  return { outcome: 'failed', error, sent, ...inbound }
}

async function stopForHostKey(db: Db, t: SupplierTransport, err: HostKeyChanged, now: Date, log: (s: string) => void): Promise<PollResult> {
  const reason = `host key changed: pinned ${err.pinned}, the server now shows ${err.seen}`
  log(`sftp ${t.supplierId}: stopped: ${reason}`)
  await db.transaction(async (tx) => {
    await stopTransport(tx, t.transportId, reason, now)
    await openTask(tx, {
      kind: 'transport_host_key', dedupeKey: hostKeyTaskKey(t.transportId), supplierId: t.supplierId, now,
      title: `Supplier ${t.supplierId}: the SFTP server's host key changed; its files are not fetched`,
      detail: `${t.url}: pinned ${err.pinned}, now ${err.seen}. Ask the supplier (by phone, not by mail from the same server) ` +
        `whether they changed the key; if the new fingerprint is theirs, run: wismo transport trust ${t.supplierId}`,
    })
  })
  return { outcome: 'stopped', reason }
}

/**
 * The `transports.sftp` job: polls every active transport that is due, each claimed by one worker
 * (the lease covers a slow poll; a worker that dies leaves it to the next claim after the lease).
 */
export async function pollDueTransports(
  db: Db, opts: { now: () => Date; secret: string; log?: (s: string) => void; leaseSeconds?: number },
): Promise<{ polled: number; failed: number; stopped: number }> {
  const due = await claimDueTransports(db, opts.now(), opts.leaseSeconds ?? 600)
  const out = { polled: 0, failed: 0, stopped: 0 }
  for (const t of due) {
    const r = await pollSftp(db, t, { now: opts.now(), secret: opts.secret, log: opts.log })
    out.polled++
    if (r.outcome === 'failed') out.failed++
    if (r.outcome === 'stopped') out.stopped++
  }
  return out
}
