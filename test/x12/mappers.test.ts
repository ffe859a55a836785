import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DomainError } from '../../src/domain/errors.ts'
import { parseX12 } from '../../src/feeds/x12/reader.ts'
import { x12 } from './build.ts'

const signals = (id: string, body: string[]) =>
  parseX12(x12(id, body)).signals.map((s) => [s.poLine, s.status, s.qty, s.expectedShipDate, s.rawCode])

function refused(id: string, body: string[], reason: RegExp): void {
  assert.throws(() => parseX12(x12(id, body)), (err: unknown) => err instanceof DomainError && reason.test(err.message))
}

test('855: each ACK code maps as DESIGN says, with its own date, else the line DTM, else the header DTM', () => {
  assert.deepEqual(signals('855', [
    'BAK*00*AC*PO-1*20261116', 'DTM*017*20261220',
    'PO1*1*5*EA*1**BP*A', 'ACK*IA*3*EA', 'ACK*IB*2*EA', 'DTM*068*20261210',
    'PO1*2*1*EA*1**BP*B', 'ACK*DR*1*EA*079*20261205',
    'PO1*3*4*EA*1**BP*C', 'ACK*IQ*2*EA',
    'PO1*4*1*EA*1**BP*D', 'ACK*IS*1*EA',
    'PO1*5*1*EA*1**BP*E', 'ACK*IH*1*EA',
    'PO1*6*2*EA*1**BP*F', 'ACK*R3',
    'PO1*7*1*EA*1**BP*G', 'ACK*IB*1*EA*017*20261222',
    'PO1*8*1*EA*1**BP*H', 'ACK*AR*1',
  ]), [
    ['1', 'accepted', 3, '2026-12-10', '855 ACK IA'],
    ['1', 'backordered', 2, '2026-12-10', '855 ACK IB'],
    ['2', 'rescheduled', 1, '2026-12-05', '855 ACK DR'],
    ['3', 'accepted', 2, '2026-12-20', '855 ACK IQ (quantity changed) (date is delivery 017)'],
    ['4', 'accepted', 1, '2026-12-20', '855 ACK IS (substitution made) (date is delivery 017)'],
    ['5', 'on_hold', 1, '2026-12-20', '855 ACK IH (date is delivery 017)'],
    ['6', 'rejected', 2, null, '855 ACK R3'],
    ['7', 'backordered', 1, '2026-12-22', '855 ACK IB (date is delivery 017)'],
    ['8', 'accepted', 1, '2026-12-20', '855 ACK AR (date is delivery 017)'],
  ])
})

test('855: a lone BP splits the line; ids by qualifier (BP/IN buyer, VP/VN supplier, UP as a last resort)', () => {
  const parsed = parseX12(x12('855', [
    'BAK*00*AC*PO-1*20261116',
    'PO1*1*5*EA*1**IN*BUYER-1*VN*SUP-1', 'ACK*BP*2*EA*068*20261204',
    'PO1*2*1*EA*1**UP*0001234', 'ACK*BP*1*EA',
  ])).signals
  assert.deepEqual(parsed.map((s) => [s.poLine, s.status, s.qty, s.sku, s.supplierSku, s.expectedShipDate]), [
    ['1', 'accepted', 3, 'BUYER-1', 'SUP-1', null],
    ['1', 'backordered', 2, 'BUYER-1', 'SUP-1', '2026-12-04'],
    ['2', 'backordered', 1, null, '0001234', null],
  ])
})

test('855: without ACKs BAK02 speaks for every line, or for the PO when it lists none', () => {
  assert.deepEqual(signals('855', ['BAK*00*RD*PO-1*20261116', 'PO1*1*2*EA*1**BP*A', 'PO1*2*1*EA*1**BP*B']), [
    ['1', 'rejected', 2, null, '855 BAK RD'],
    ['2', 'rejected', 1, null, '855 BAK RD'],
  ])
  assert.deepEqual(signals('855', ['BAK*00*AT*PO-1*20261116', 'DTM*068*20261201']), [[null, 'accepted', null, '2026-12-01', '855 BAK AT']])
  assert.deepEqual(signals('855', ['BAK*00*AD*PO-1*20261116', 'PO1*1*2*EA*1**BP*A', 'ACK*IB*2', 'PO1*2*1*EA*1**BP*B']).map((s) => s[1]), ['backordered', 'accepted'])
})

test('855: unknown codes, misplaced segments and bad values are refused with the segment', () => {
  refused('855', ['BAK*00*AC*PO-1*20261116', 'PO1*1*1*EA*1**BP*A', 'ACK*ZZ*1'], /^segment #6 \(ACK\): ACK01 "ZZ" is not an ACK01 line status wismo reads/)
  refused('855', ['BAK*00*AC*PO-1*20261116', 'PO1*1*1*EA', 'ACK*constructor*1'], /ACK01 "constructor" is not an ACK01 line status/)
  refused('855', ['BAK*00*AC*PO-1*20261116', 'ACK*IA*1'], /^segment #5 \(ACK\): ACK before any PO1 line/)
  refused('855', ['BAK*00*AC*PO-1*20261116', 'PO1*1*two*EA'], /^segment #5 \(PO1\): PO102 "two" is not a number/)
  refused('855', ['BAK*00*AC*PO-1*20261116', 'PO1*1*1*EA', 'ACK*IB*1*EA*068*20261332'], /^segment #6 \(ACK\): ACK05 "20261332" is not a date/)
  refused('855', ['BAK*00*XX*PO-1*20261116', 'PO1*1*1*EA'], /BAK02 "XX" is not a BAK02 acknowledgment type/)
  refused('855', ['PO1*1*1*EA'], /segment #4 \(PO1\): PO1 before the BAK segment/)
  refused('855', ['REF*ZZ*NOTE'], /segment #5 \(BAK\): the 855 has no BAK segment/)
})

test('856: items take the nearest level\'s PO, carrier and parcel number; packs under an item lend theirs', () => {
  const parsed = parseX12(x12('856', [
    'BSN*00*SHIP-1*20261122*1200', 'HL*1**S', 'TD5*B*2*FDEG*M*FEDEX GROUND', 'REF*CN*SHIPMENT-PRO', 'DTM*011*20261122',
    'HL*2*1*O', 'PRF*PO-1',
    'HL*3*2*I', 'LIN*1*BP*A', 'SN1**2*EA', 'HL*4*3*P', 'MAN*CP*PACK-A1', 'HL*5*3*P', 'MAN*CP*PACK-A2',
    'HL*6*2*I', 'LIN*2*BP*B', 'SN1**1*EA',
    'HL*7*2*I', 'LIN*3*BP*C', 'SN1**0*EA',
    'HL*8*1*O', 'PRF*PO-2', 'TD5*B*2*UPSN', 'HL*9*8*P', 'MAN*GM*00012345678901234567', 'HL*10*9*I', 'LIN**VP*V-9', 'SN1**4',
  ])).signals
  assert.deepEqual(parsed.map((s) => [s.poNumber, s.poLine, s.qty, s.carrier, s.service, s.trackingNumber, s.shippedAt?.toISOString().slice(0, 10)]), [
    ['PO-1', '1', 2, 'FDEG', 'FEDEX GROUND', 'PACK-A1', '2026-11-22'],
    ['PO-1', '2', 1, 'FDEG', 'FEDEX GROUND', 'SHIPMENT-PRO', '2026-11-22'],
    // line 3 shipped 0: no signal
    ['PO-2', null, 4, 'UPSN', 'FEDEX GROUND', 'SHIPMENT-PRO', '2026-11-22'],
  ])
  refused('856', ['HL*1**S', 'HL*2*9*O'], /segment #5 \(HL\): HL02 parent "9" is not an open HL level/)
  refused('856', ['BSN*00*1*20261122', 'HL*1**S', 'SN1**1'], /segment #6 \(SN1\): SN1 without a LIN item/)
  refused('856', ['HL*1**S'], /the 856 has no BSN segment/)
})

test('856: tracking numbers from REF*2I, REF*08, REF*CN and MAN*CP (either MAN pair) at any level, nearest first', () => {
  const read = (body: string[]) => parseX12(x12('856', ['BSN*00*SHIP-5*20261122*1200', ...body])).signals
    .map((s) => [s.poLine, s.trackingNumber, s.shipmentId, s.rawCode])
  assert.deepEqual(read([
    'HL*1**S', 'REF*BM*BOL-1', 'REF*2I*SHIP-LEVEL-2I', 'REF*CN*PRO-1',
    'HL*2*1*O', 'PRF*PO-1',
    'HL*3*2*I', 'LIN*1*BP*A', 'SN1**1',
    'HL*4*2*I', 'LIN*2*BP*B', 'SN1**1', 'REF*2I*ITEM-LEVEL-2I',
    'HL*5*2*P', 'MAN*R*PKG-5**CP*1Z-IN-MAN05', 'HL*6*5*I', 'LIN*3*BP*C', 'SN1**1',
    'HL*7*2*P', 'REF*08*PACKAGE-08', 'REF*2I*PACK-2I', 'HL*8*7*I', 'LIN*4*BP*D', 'SN1**1',
    'HL*9*1*O', 'PRF*PO-2', 'REF*2I*ORDER-LEVEL-2I', 'HL*10*9*I', 'LIN*5*BP*E', 'SN1**1',
  ]), [
    ['1', 'SHIP-LEVEL-2I', 'SHIP-5', '856 SN1 shipment SHIP-5'],
    ['2', 'ITEM-LEVEL-2I', 'SHIP-5', '856 SN1 shipment SHIP-5'],
    ['3', '1Z-IN-MAN05', 'SHIP-5', '856 SN1 shipment SHIP-5'],
    ['4', 'PACKAGE-08', 'SHIP-5', '856 SN1 shipment SHIP-5'],
    ['5', 'ORDER-LEVEL-2I', 'SHIP-5', '856 SN1 shipment SHIP-5'],
  ])
  // A shipper's own marks, a bill of lading and an SSCC label are not a carrier's number: the
  // items ship untracked, and the rep is told what the ASN did give.
  assert.deepEqual(read([
    'HL*1**S', 'REF*BM*BOL-7', 'HL*2*1*O', 'PRF*PO-1',
    'HL*3*2*P', 'MAN*GM*00000715670002152360', 'MAN*SM*SHIPPER-7', 'HL*4*3*I', 'LIN*1*BP*A', 'SN1**2',
  ]), [['1', null, 'SHIP-5', '856 SN1 shipment SHIP-5 (no tracking number; bill of lading BOL-7, SSCC 00000715670002152360)']])
})

test('870: item ISR, else the order\'s; an order without items speaks for the whole PO', () => {
  assert.deepEqual(
    parseX12(x12('870', [
      'BSR*2*PP*R-1*20261123',
      'HL*1**O', 'PRF*PO-1', 'ISR*DS*20261201',
      'HL*2*1*I', 'PO1*1*2*EA*1**BP*A', 'ISR*IC',
      'HL*3*1*I', 'PO1*2*1*EA*1**BP*B',
      'HL*4*1*I', 'LIN*3*VP*V-C', 'ISR*CC*20261124',
      'HL*5*1*I', 'LIN*4*VP*V-D', 'ISR*LM', 'DTM*068*20261203',
      'HL*6**O', 'PRF*PO-2', 'ISR*NS*20261209',
    ])).signals.map((s) => [s.poNumber, s.poLine, s.status, s.qty, s.expectedShipDate, s.rawCode]),
    [
      ['PO-1', '1', 'cancelled', 2, null, '870 ISR IC'],
      ['PO-1', '2', 'backordered', 1, '2026-12-01', '870 ISR DS'],
      ['PO-1', '3', 'accepted', null, '2026-11-24', '870 ISR CC (shipped; tracking comes with the 856)'],
      ['PO-1', '4', 'accepted', null, '2026-12-03', '870 ISR LM (late)'],
      ['PO-2', null, 'accepted', null, '2026-12-09', '870 ISR NS'],
    ],
  )
  // Without HL loops: PRF starts each order.
  assert.deepEqual(parseX12(x12('870', ['BSR*2*PP*R-1*20261123', 'PRF*PO-1', 'PO1*1*1*EA', 'ISR*BO', 'PRF*PO-2', 'PO1*1*1*EA', 'ISR*EW*20261130'])).signals.map((s) => [s.poNumber, s.status]), [
    ['PO-1', 'backordered'], ['PO-2', 'accepted'],
  ])
  refused('870', ['BSR*2*PP*R-1*20261123', 'PRF*PO-1', 'PO1*1*1*EA', 'ISR*ZZ'], /ISR01 "ZZ" is not an ISR01 status code wismo reads/)
})

test('846: QTY 33 (summed), else 17; restock DTM 018/169/371 at item or header level; 036 is not a restock date', () => {
  const offers = parseX12(x12('846', [
    'BIA*00*MM*INV-1*20261123', 'DTM*169*20261230',
    'LIN**BP*A', 'QTY*33*3', 'QTY*33*4', 'QTY*17*99',
    'LIN**SK*SUP-B', 'QTY*17*6.75', 'DTM*036*20270101',
    'LIN**MG*MFR-C*BP*C', 'QTY*33*0', 'DTM*371*20261215', 'DTM*018*20261210',
  ], { functionalId: 'IB' })).offers
  assert.deepEqual(offers.map((o) => [o.sku, o.supplierSku, o.availableQty, o.restockDate]), [
    ['A', null, 7, '2026-12-30'],
    [null, 'SUP-B', 6, '2026-12-30'],
    ['C', 'MFR-C', 0, '2026-12-10'],
  ])
  assert.throws(() => parseX12(x12('846', ['BIA*00*MM*1*20261123', 'LIN**ZZ*X'])), /LIN names no item/)
})
