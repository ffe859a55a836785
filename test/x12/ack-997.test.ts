import { test } from 'node:test'
import assert from 'node:assert/strict'
import { build997 } from '../../src/feeds/x12/ack-997.ts'
import { X12Reader } from '../../src/feeds/x12/reader.ts'
import { interchange, x12 } from './build.ts'

const now = new Date('2026-11-20T09:41:00Z')

/** Reads a file (refused or not) and answers it. */
function answer(body: Buffer, control = 42): string {
  const reader = new X12Reader(body)
  let rejected = false
  try {
    for (const batch of reader.batches()) void batch
  } catch {
    rejected = true
  }
  return build997(reader.log[0], { control, now, rejected }) ?? ''
}

test('an accepted interchange gets a 997 with swapped parties, own control numbers and AK9 counts', () => {
  const body = Buffer.from(interchange([
    { id: '855', body: ['BAK*00*AC*PO-1*20261116', 'PO1*1*1*EA', 'ACK*IA*1'] },
    { id: '855', body: ['BAK*00*AC*PO-2*20261116'] },
  ], { control: 7 }))
  assert.equal(answer(body), [
    'ISA*00*          *00*          *ZZ*WISMO          *ZZ*ACMEEDI        *261120*0941*U*00401*000000042*0*P*>~',
    'GS*FA*WISMO*ACMEEDI*20261120*0941*42*X*004010~',
    'ST*997*0001~', 'AK1*PR*7~', 'AK2*855*0001~', 'AK5*A~', 'AK2*855*0002~', 'AK5*A~', 'AK9*A*2*2*2~', 'SE*8*0001~',
    'GE*1*42~', 'IEA*1*000000042~', '',
  ].join('\n'))
})

test('a rejected segment is named by AK3 (tag, position, code) and AK4 (element, code, value); siblings are rejected too', () => {
  const body = Buffer.from(interchange([
    { id: '855', body: ['BAK*00*AC*PO-1*20261116', 'PO1*1*1*EA', 'ACK*IA*1'] },
    { id: '855', body: ['BAK*00*AC*PO-2*20261116', 'PO1*1*1*EA', 'ACK*Z~Z*1'] },
  ], { element: '|', terminator: '\n', after: '' }))
  const ack = answer(body)
  assert.match(ack, /AK2\*855\*0001~\nAK5\*R~\nAK2\*855\*0002~\nAK3\*ACK\*4\*\*8~\nAK4\*1\*\*7\*ZZ~\nAK5\*R\*5~\nAK9\*R\*2\*2\*0~/)
})

test('envelope faults: AK5 codes for the transaction set, AK905 for the group; ISA11 "^" from 4020 on', () => {
  const text = interchange([{ id: '855', body: ['BAK*00*AC*PO-1*20261116'] }], { version: '005010' })
  assert.match(answer(Buffer.from(text.replace('SE*3*0001', 'SE*4*0001'))), /AK5\*R\*4~\nAK9\*R\*1\*1\*0~/)
  assert.match(answer(Buffer.from(text.replace('SE*3*0001', 'SE*3*0002'))), /AK5\*R\*3~/)
  assert.match(answer(Buffer.from(text.replace('GE*1*1', 'GE*2*1'))), /AK5\*R~\nAK9\*R\*2\*1\*0\*5~/)
  assert.match(answer(Buffer.from(text.replace('ST*855', 'ST*850'))), /AK2\*850\*0001~\nAK5\*R\*1~/)
  assert.match(answer(Buffer.from(text)), /^ISA\*.*\*\^\*00501\*000000042\*0\*P\*>~\nGS\*FA\*WISMO\*ACMEEDI\*20261120\*0941\*42\*X\*005010~/)
  assert.match(answer(x12('855', ['BAK*00*AC*PO-1*20261116']), 1_000_000_001), /\*000000002\*0\*P\*>~/, 'control numbers wrap within 9 digits')
})
