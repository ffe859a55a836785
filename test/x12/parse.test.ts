import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { X12Parser } from 'node-x12'
import { DomainError } from '../../src/domain/errors.ts'
import { parseX12 } from '../../src/feeds/x12/reader.ts'
import { peekInterchanges, readSegments } from '../../src/feeds/x12/segments.ts'
import { interchange, x12 } from './build.ts'

const fx = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12', name))

/** Asserts that parsing refuses the file with a DomainError whose full reason matches. */
function refuses(body: Buffer, reason: RegExp, code = 'FEED_X12_INVALID'): string {
  let text = ''
  assert.throws(() => parseX12(body), (err: unknown) => {
    assert.ok(err instanceof DomainError, `a DomainError, not ${String(err)}`)
    assert.equal(err.code, code)
    text = [err.message, ...err.details].join('; ')
    assert.match(text, reason)
    return true
  })
  return text
}

const ACK_855 = ['BAK*00*AC*PO-1*20261116', 'PO1*1*2*EA*1**BP*SKU-1', 'ACK*IA*2*EA']

test('well-formed public 855s read to per-line signals', () => {
  const nodeX12 = parseX12(fx('node-x12/855.edi'))
  assert.deepEqual(nodeX12.signals.map((s) => [s.poNumber, s.poLine, s.status, s.qty, s.supplierSku]), [
    ['POTEST1112', '1', 'accepted', 3, '9780446360265'],
    ['POTEST1112', '2', 'rejected', 2, '9780767928427'], // IR with ACK02 0: the whole line (PO102)
    ['POTEST1112', '3', 'rejected', 1, '9780099599531'],
    ['POTEST1112', '4', 'accepted', 2, '9780446360272'],
  ])
  // Two 855s in one group, no ACK segments: BAK02 AD accepts every line; header DTM*017 is a delivery date.
  const simmons = parseX12(fx('oopfactory-x12parser/ORD/_855/855SSimmons.txt'))
  assert.deepEqual(simmons.signals.map((s) => [s.poNumber, s.poLine, s.status, s.sku, s.supplierSku, s.expectedShipDate]), [
    ['7542', '100', 'accepted', '4620451B', '64620451', '2011-10-07'],
    ['7542', '200', 'accepted', '1528451M', '51528451', '2011-10-07'],
    ['99035', '100', 'accepted', '4625740M', '54625740', '2011-10-06'],
  ])
  assert.equal(simmons.signals[0].rawCode, '855 BAK AD (date is delivery 017)')
  // CR ends its segments (no "~"), BOM, indentation, ISA version 00400.
  const adobe = parseX12(fx('oopfactory-x12parser/ORD/_855/Example1_Adobe.txt'))
  assert.deepEqual(adobe.signals.map((s) => [s.poNumber, s.poLine, s.status, s.sku]), [['0132710645', '000010', 'accepted', 'T05249']])
})

test('well-formed public 856s read to shipped signals with carrier, tracking and ship date', () => {
  const crossdock = parseX12(fx('olmelabs-EdiEngine/856.Crossdock.OK.edi'))
  assert.equal(crossdock.signals.length, 5)
  assert.deepEqual(
    crossdock.signals.map((s) => [s.poNumber, s.supplierSku, s.qty, s.carrier, s.trackingNumber, s.service]),
    [
      ['POREF00', '0000000000642', 12, 'OVNT', '0000000008741', 'OVERNITE'],
      ['POREF00', '0000000000831', 12, 'OVNT', '0000000008741', 'OVERNITE'],
      ['POREF00', '0000000000283', 12, 'OVNT', '0000000008741', 'OVERNITE'],
      ['POREF00', '0000000000203', 12, 'OVNT', '0000000008741', 'OVERNITE'],
      ['POREF01', '0000000000642', 12, 'OVNT', '0000000008741', 'OVERNITE'],
    ],
  )
  assert.equal(crossdock.signals[0].shippedAt?.toISOString(), '2009-09-21T12:00:00.000Z')
  assert.ok(crossdock.signals.every((s) => s.status === 'shipped'))
  // The "…" terminator (three UTF-8 bytes), header-level DTM*011, PRO number in REF*CN.
  const ellipsis = parseX12(fx('oopfactory-x12parser/ORD/_856/Example3.txt'))
  assert.deepEqual(ellipsis.signals.map((s) => [s.poNumber, s.poLine, s.sku, s.supplierSku, s.qty, s.carrier, s.trackingNumber]), [
    ['5500005194', '00030', '000 260 056 524', 'abc123', 1596, 'AVRT', '0123456789'],
    ['5500005194', '00010', '000 260 120 524', 'ZZZ123', 1152, 'AVRT', '0123456789'],
    ['5500005194', '00020', '000 260 121 524', 'XXX123', 1440, 'AVRT', '0123456789'],
  ])
  // HL levels without parent ids; 7 items, SK (buyer) and VN (supplier) ids.
  const example4 = parseX12(fx('oopfactory-x12parser/ORD/_856/Example4.txt'))
  assert.equal(example4.signals.length, 7)
  assert.deepEqual([example4.signals[6].poNumber, example4.signals[6].poLine, example4.signals[6].sku, example4.signals[6].qty], ['PO NUMBER', '007', '100014546', 12])
  // S→O→P→I with the pack's SSCC and the shipment's REF*CN: the carrier number wins.
  const [fedex] = parseX12(fx('oopfactory-x12parser/ORD/_856/FromGregarican.txt')).signals
  assert.deepEqual([fedex.carrier, fedex.trackingNumber, fedex.service, fedex.supplierSku], ['FED2', '521649209219', 'FEDX 2 DAY', '883932284904'])
  // 3060 (GS08 003060), backquote as ISA16 and "*" ending segments.
  assert.equal(parseX12(fx('oopfactory-x12parser/ORD/_856/Example2.txt')).signals.length, 2)
  assert.equal(parseX12(fx('oopfactory-x12parser/ORD/_856/Example1.txt')).signals[0].trackingNumber, null)
  // 4060, and the same content indented with a BOM.
  assert.deepEqual(parseX12(fx('node-x12/856.edi')).signals, parseX12(fx('oopfactory-x12parser/ORD/_856/edi1Source.txt')).signals)
})

test('public 846s read to offer updates: QTY 33, else 17; restock DTM', () => {
  const ex2 = parseX12(fx('oopfactory-x12parser/ORD/_846/Example2.txt'))
  assert.deepEqual(ex2.offers.map((o) => [o.sku, o.supplierSku, o.availableQty, o.restockDate]), [
    ['38490-B', 'H304L0750040', 1998, null],
    ['38499-B', 'H304L0750080', 1777, null],
    ['38496-B', 'H316L0750040', null, '2003-08-22'], // its QTY*17 is swallowed by a REF with a missing terminator
    ['38502-B', 'H316L0750080', 3621, null],
    ['35933', 'I304/0250035Z', 7280, null],
  ])
  // "}" ends segments, "~" separates elements; only QTY 34/QH/QB/87: no stock figure wismo reads.
  const ex1 = parseX12(fx('oopfactory-x12parser/ORD/_846/Example1.txt'))
  assert.deepEqual(ex1.offers.map((o) => [o.sku, o.supplierSku, o.availableQty]), [['46L5055', '1234123232', null]])
})

test('the tokenizer agrees with node-x12 on every well-formed sample', () => {
  const samples = [
    'node-x12/855.edi', 'node-x12/856.edi', 'node-x12/850.edi', 'olmelabs-EdiEngine/856.Crossdock.OK.edi',
    'oopfactory-x12parser/ORD/_846/Example1.txt', 'oopfactory-x12parser/ORD/_846/Example2.txt',
    'oopfactory-x12parser/ORD/_855/855SSimmons.txt', 'oopfactory-x12parser/ORD/_855/Example1_Adobe.txt',
    'oopfactory-x12parser/ORD/_856/Example1.txt', 'oopfactory-x12parser/ORD/_856/Example3.txt',
    'oopfactory-x12parser/ORD/_856/FromGregarican.txt', 'EDI.Net/214-MGCTLYST-SAMPLE.EDI',
  ]
  for (const name of samples) {
    const body = fx(name)
    const theirs = new X12Parser(true).parse(body.toString('utf8').replace(/^\uFEFF/, '')) as { functionalGroups: { transactions: { segments: { tag: string }[] }[] }[] }
    const tags = theirs.functionalGroups.flatMap((g) => g.transactions.flatMap((t) => t.segments.map((s) => s.tag)))
    const ours = [...readSegments(body)].map((s) => s.tag).filter((t) => !['ISA', 'GS', 'ST', 'SE', 'GE', 'IEA'].includes(t))
    assert.deepEqual(ours, tags, name)
  }
})

test('broken envelopes are refused naming the segment, its position and what is wrong', () => {
  refuses(fx('olmelabs-EdiEngine/ControlNumbersMismatch.edi'),
    /segment #7 \(SE\): SE02 0002 does not match ST02 0001.*segment #8 \(GE\): GE02 3315 does not match GS06 3314.*segment #9 \(IEA\): IEA02 000003439 does not match ISA13 000003438/, 'FEED_X12_UNSUPPORTED')
  refuses(fx('olmelabs-EdiEngine/WrongGroupsAndTranCount.edi'),
    /segment #8 \(GE\): GE01 says 2 transaction sets, but group 3314 has 1.*segment #9 \(IEA\): IEA01 says 2 groups, but interchange 000003438 has 1/, 'FEED_X12_UNSUPPORTED')
  refuses(fx('wismo/855-acme-bad-count.edi'), /^segment #7 \(SE\): SE01 says 9, but transaction set 0001 has 5 segments/)
  const text = interchange([{ id: '855', body: ACK_855 }])
  refuses(Buffer.from(text.replace('SE*5*0001~\n', '')), /segment #7 \(GE\): transaction set 0001 \(ST at segment #3\) has no SE trailer/)
  refuses(Buffer.from(text.replace('GE*1*1~\n', '')), /segment #8 \(IEA\): group 1 has no GE trailer/)
  refuses(Buffer.from(text.replace('ST*855*0001~\n', '')), /segment #3 \(BAK\): this segment is outside any transaction set/)
  refuses(Buffer.from(text.replace('IEA*1*', 'IEA*2*')), /segment #9 \(IEA\): IEA01 says 2 groups, but interchange 000000001 has 1/)
  refuses(Buffer.from(text.replace('ST*855*0001', 'ST*855*01')), /segment #3 \(ST\): ST02 "01" is not a control number/)
})

test('non-EDI, empty and truncated input is refused with a reason, never a TypeError', () => {
  refuses(fx('olmelabs-EdiEngine/NonEdi.edi'), /not an X12 interchange: the file must start with "ISA", it starts with "Tk9OIEVESSBG/)
  refuses(Buffer.from(''), /the file is empty/)
  refuses(Buffer.from('\uFEFF  \r\n'), /the file is empty/)
  const text = interchange([{ id: '855', body: ACK_855 }])
  refuses(Buffer.from(text.slice(0, 50)), /segment #1 \(ISA\): the ISA header is cut short or corrupt at ISA06/)
  refuses(Buffer.from(text.slice(0, 104)), /segment #1 \(ISA\): the ISA header is cut short: no sub-element separator/)
  refuses(Buffer.from(text.slice(0, text.indexOf('ACK'))), /segment #5 \(PO1\): the file ends inside transaction set 0001 \(no SE trailer\): it looks truncated/)
  refuses(Buffer.from(text.replace('ZZ*ACMEEDI        *', 'ZZ*ACMEEDI*')), /ISA06 must be 15 characters, found 7 \("ACMEEDI"\)/)
  refuses(Buffer.from(text.replace('000000001*0*P*>~', '000000001*0*P*>A')), /the segment terminator after ISA16 is "A"/)
  refuses(Buffer.from(text.replace('ST*855', 'T*855')), /segment #3 \(T\): "T" is not a segment tag \(expected ST or GE\)/)
  refuses(Buffer.from(`${text}garbage after the IEA`), /segment #10 \(ISA\): expected an interchange header \(ISA\), found "garbage/)
})

test('a control character inside an element (a NUL above all) is refused by segment and element, never stored', () => {
  const nul = ['BAK*00*AC*PO-1*20261116', 'PO1*1*2*EA*1**BP*SKU\u00001', 'ACK*IA*2*EA']
  refuses(x12('855', nul), /^segment #5 \(PO1\): PO107 contains the control character \\x00; X12 data may not hold control characters/)
  refuses(x12('855', ['BAK*00*AC*PO-1*20261116', 'PO1*1*2*EA*1**BP*SKU-1', 'ACK*IA*2*EA\u0007']), /segment #6 \(ACK\): ACK03 contains the control character \\x07/)
  // Control characters declared as separators are separators, not data.
  assert.equal(parseX12(x12('855', ACK_855, { element: '\u001d', component: '\u001f', terminator: '\u001c', after: '' })).signals.length, 1)
})

test('transaction sets wismo does not read are refused by name', () => {
  refuses(fx('node-x12/850.edi'), /^segment #3 \(ST\): transaction set 850 is not a supplier feed wismo reads/, 'FEED_X12_UNSUPPORTED')
  refuses(fx('olmelabs-EdiEngine/850.SyntaxNotes.ERR.edi'), /transaction set 850 is not a supplier feed wismo reads/, 'FEED_X12_UNSUPPORTED')
})

test('any declared separators, CRLF and indentation, several interchanges per file', () => {
  const plain = parseX12(x12('855', ACK_855)).signals
  const variants = [
    { element: '|', terminator: '\n', after: '' },
    { element: '^', component: ':', terminator: '\r', after: '\n' },
    { element: '\u001d', component: '\u001f', terminator: '\u001c', after: '' },
    { element: '*', terminator: '~', after: '\r\n    ' },
    { element: '~', component: '`', terminator: '*', after: '\r\n' },
    { element: '*', terminator: '\u2026', after: '\r\n' },
  ]
  for (const v of variants) assert.deepEqual(parseX12(x12('855', ACK_855, v)).signals.map((s) => ({ ...s, location: '' })), plain.map((s) => ({ ...s, location: '' })), JSON.stringify(v))
  assert.deepEqual(parseX12(Buffer.from(`\uFEFF\r\n${x12('855', ACK_855)}`)).signals.length, 1)
  const two = Buffer.concat([x12('855', ACK_855, { control: 1 }), x12('855', ACK_855, { control: 2, element: '|', terminator: '\n', after: '' })])
  assert.equal(parseX12(two).signals.length, 2)
  assert.deepEqual(peekInterchanges(two).map((h) => [h.senderId, h.control]), [['ACMEEDI', '000000001'], ['ACMEEDI', '000000002']])
  // 5010 and 3060 envelopes read the same way.
  assert.equal(parseX12(x12('855', ACK_855, { version: '005010' })).signals[0].status, 'accepted')
  assert.equal(parseX12(x12('855', ACK_855, { version: '003060' })).signals[0].status, 'accepted')
})
