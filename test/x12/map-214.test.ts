import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseX12 } from '../../src/feeds/x12/reader.ts'
import { DomainError } from '../../src/domain/errors.ts'
import type { CarrierEvent } from '../../src/domain/types.ts'
import { x12 } from './build.ts'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'

const fx = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12', name))
const row = (e: CarrierEvent) => [e.trackingNumber, e.carrier, e.status, e.occurredAt.toISOString(), e.location, e.message, e.estimatedDelivery]
const B10 = 'B10*PRO123*BOL9*ODFL'
/** The events of one 214 built from its segments after B10. */
const events214 = (...segments: string[]) => parseX12(x12('214', [B10, ...segments], { sender: 'ODFL', functionalId: 'QM' })).events
const refuses = (segments: string[], reason: RegExp) =>
  assert.throws(() => parseX12(x12('214', segments, { sender: 'ODFL', functionalId: 'QM' })), (e: unknown) => e instanceof DomainError && reason.test(e.message))

test('the public EDI.Net sample: D1 at Brattleboro, VT, local time read in Eastern daylight time', () => {
  const parsed = parseX12(fx('EDI.Net/214-MGCTLYST-SAMPLE.EDI'))
  assert.deepEqual(parsed.events.map(row), [
    ['1751807', 'SCAC', 'delivered', '2016-07-26T16:30:00.000Z', 'BRATTLEBORO, VT', 'Completed Unloading at Delivery Location (D1)', null],
  ])
  assert.deepEqual(parsed.signals, [])
})

test("wismo's LTL sample: in transit, a weather delay, en route to delivery, delivered; the estimate on the set's latest event", () => {
  assert.deepEqual(parseX12(fx('wismo/214-odfl-pro-status.edi')).events.map(row), [
    ['07401234562', 'ODFL', 'in_transit', '2026-11-19T00:10:00.000Z', 'RENO, NV', 'Carrier Departed Pick-up Location with Shipment (AF)', null],
    ['07401234562', 'ODFL', 'in_transit', '2026-11-20T11:45:00.000Z', 'DALLAS, TX', 'Arrived at Terminal Location (X4)', '2026-11-24'],
    ['07401234570', 'ODFL', 'exception', '2026-11-21T15:30:00.000Z', 'MEMPHIS, TN', 'Shipment Delayed (SD): Weather or Natural Disaster Related (AO)', null],
    ['07401234562', 'ODFL', 'out_for_delivery', '2026-11-24T12:15:00.000Z', 'ATLANTA, GA', 'En Route to Delivery Location (X6)', null],
    ['07401234562', 'ODFL', 'delivered', '2026-11-24T18:42:00.000Z', 'ATLANTA, GA', 'Completed Unloading at Delivery Location (D1)', null],
  ])
})

test('AT701 codes map to our statuses; exceptions carry their AT702 reason', () => {
  const status = (code: string, reason = 'NS') => events214('LX*1', `AT7*${code}*${reason}***20261120*1000*UT`).map((e) => [e.status, e.message])
  assert.deepEqual(status('XB'), [['pre_transit', 'Shipment Acknowledged (XB)']])
  assert.deepEqual(status('P1'), [['in_transit', 'Departed Terminal Location (P1)']])
  assert.deepEqual(status('X1'), [['out_for_delivery', 'Arrived at Delivery Location (X1)']])
  assert.deepEqual(status('A7', 'BS'), [['exception', 'Refused by Consignee (A7): Refused by Customer (BS)']])
  assert.deepEqual(status('A9', 'AK'), [['exception', 'Shipment Damaged (A9): Damaged, Rewrapped in Hub (AK)']])
  assert.deepEqual(status('AH', 'ZQ'), [['exception', 'Attempted Delivery (AH): reason (ZQ)']])
  // Estimates, terminal plans, the truck leaving the consignee and appointments are no events.
  for (const code of ['AG', 'X2', 'B6', 'C1', 'CD']) assert.deepEqual(status(code), [], code)
  assert.deepEqual(events214('LX*1', 'AT7***AB*NA*20261120*1000'), [])
})

test('AT705/AT706/AT707: fixed and civil time codes, local time by the MS1 state, UTC when nothing says', () => {
  const at = (date: string, time: string, code: string, ms1?: string) =>
    events214('LX*1', `AT7*X4*NS***${date}*${time}*${code}`, ...(ms1 ? [ms1] : []))[0].occurredAt.toISOString()
  assert.equal(at('20260710', '0800', 'ED'), '2026-07-10T12:00:00.000Z')
  assert.equal(at('20260710', '0800', 'CT'), '2026-07-10T13:00:00.000Z', 'Central Time in July is CDT')
  assert.equal(at('20261210', '0800', 'CT'), '2026-12-10T14:00:00.000Z')
  assert.equal(at('20260710', '080030', 'LT', 'MS1*PHOENIX*AZ'), '2026-07-10T15:00:30.000Z', 'Arizona keeps standard time')
  assert.equal(at('20260710', '0800', 'LT', 'MS1*PORTLAND*OR'), '2026-07-10T15:00:00.000Z')
  assert.equal(at('20260710', '0800', 'LT'), '2026-07-10T08:00:00.000Z')
  assert.equal(at('20260710', '', '', 'MS1*DENVER*CO'), '2026-07-10T06:00:00.000Z', 'no time: the start of that local day')
  // The clocks go back at 02:00 on 2026-11-01: 01:30 CT is the first (daylight) 01:30.
  assert.equal(at('20261101', '0130', 'CT'), '2026-11-01T06:30:00.000Z')
})

test('the PRO number: B1001, else L11*…*CN; the shipment is refused when neither names it', () => {
  const number = (...segs: string[]) => parseX12(x12('214', segs, { sender: 'ODFL', functionalId: 'QM' })).events[0].trackingNumber
  assert.equal(number('B10*0740 123 4562**ODFL', 'LX*1', 'AT7*X4*NS***20261120*1000*UT'), '07401234562')
  assert.equal(number('B10**BOL9*ODFL', 'L11*PRO-77*CN', 'LX*1', 'AT7*X4*NS***20261120*1000*UT'), 'PRO-77')
  refuses(['B10**BOL9*ODFL', 'L11*BOL9*BM', 'LX*1', 'AT7*X4*NS***20261120*1000*UT'], /segment #4 \(B10\): B1001 \(the carrier's PRO number\) is empty/)
  refuses(['LX*1', 'AT7*X4*NS***20261120*1000*UT'], /the 214 has no B10 segment/)
})

test('an unknown status code, a missing date or a bad time refuses the file naming the segment', () => {
  refuses([B10, 'LX*1', 'AT7*ZZ*NS***20261120*1000*UT'], /segment #6 \(AT7\): AT701 "ZZ" is not a shipment status code wismo reads/)
  refuses([B10, 'LX*1', 'AT7*X4*NS'], /segment #6 \(AT7\): AT7 X4 has no date \(AT705\)/)
  refuses([B10, 'LX*1', 'AT7*X4*NS***20261131*1000*UT'], /AT705 "20261131" is not a date/)
  refuses([B10, 'LX*1', 'AT7*X4*NS***20261120*2560*UT'], /AT706 "2560" is not a time/)
})

test('wismo ingest takes a carrier 214 without --supplier, prints the events and writes the 997', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-214-'))
  try {
    const env = await freshDbEnv(path.join(dir, 'data'))
    const ack = path.join(dir, 'ack.997')
    const file = path.join(import.meta.dirname, '../fixtures/x12/wismo/214-odfl-pro-status.edi')
    const r = await runWismo(['ingest', file, '--ack-out', ack, '--now', '2026-11-24T20:00:00Z'], env)
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /applied \(message \d+\): X12 from a carrier \(ISA06 ODFL\), interchange 000004127: 4 × 214; 5 carrier events/)
    assert.match(r.stdout, /07401234562: delivered at 2026-11-24T18:42:00.000Z — no shipment with this number yet; kept/)
    assert.match(fs.readFileSync(ack, 'utf8'), /AK1\*QM\*4127~\n(AK2\*214\*000\d~\nAK5\*A~\n){4}AK9\*A\*4\*4\*4~/)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
