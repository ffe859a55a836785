import { test } from 'node:test'
import assert from 'node:assert/strict'
import { attachmentsOf, feedTypeOf, ingestName } from '../../src/transports/imap-parts.ts'

const part = (filename: string, contentType: string) => ({ filename, contentType })

test('a feed is known by its content type and extension together; X12 also by ISA at the start', () => {
  assert.equal(feedTypeOf(part('status.csv', 'text/csv'), null), 'csv')
  assert.equal(feedTypeOf(part('STATUS.CSV', 'application/vnd.ms-excel'), null), 'csv')
  assert.equal(feedTypeOf(part('status.csv', 'application/pdf'), null), null, 'a .csv sent as a PDF is not a feed')
  assert.equal(feedTypeOf(part('status.pdf', 'text/csv'), null), null)
  assert.equal(feedTypeOf(part('Report.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), null), 'xlsx')
  assert.equal(feedTypeOf(part('ack.edi', 'application/edi-x12'), null), 'x12')
  assert.equal(feedTypeOf(part('notes.txt', 'text/plain'), Buffer.from('hello')), null, 'a .txt is X12 only by its content')
  assert.equal(feedTypeOf(part('ack.txt', 'text/plain'), Buffer.from('ISA*00*          *00*')), 'x12')
  assert.equal(feedTypeOf(part('noname', 'application/octet-stream'), Buffer.from('\uFEFF ISA*00*  ')), 'x12')
  assert.equal(feedTypeOf(part('logo.png', 'image/png'), Buffer.from('\x89PNG')), null)
})

test('an X12 body under another name is ingested with .edi added; slashes never reach a file name', () => {
  const a = { part: '2', filename: 'noname', contentType: 'application/octet-stream', size: 10 }
  assert.equal(ingestName(a, 'x12'), 'noname.edi')
  assert.equal(ingestName({ ...a, filename: 'a/b.csv' }, 'csv'), 'a_b.csv')
})

test('attachments: named or disposed as attachment leaves; the text body and nameless inline parts are not', () => {
  const tree = {
    type: 'multipart/mixed',
    childNodes: [
      { part: '1', type: 'multipart/alternative', childNodes: [{ part: '1.1', type: 'text/plain', size: 10 }, { part: '1.2', type: 'text/html', size: 20 }] },
      { part: '2', type: 'text/csv', disposition: 'attachment', dispositionParameters: { filename: 'status.csv' }, size: 30 },
      { part: '3', type: 'application/octet-stream', parameters: { name: 'ack.edi' }, size: 40 },
      { part: '4', type: 'image/png', disposition: 'inline', size: 50 },
      { part: '5', type: 'message/rfc822', disposition: 'attachment', size: 60 },
    ],
  }
  assert.deepEqual(attachmentsOf(tree), [
    { part: '2', filename: 'status.csv', contentType: 'text/csv', size: 30 },
    { part: '3', filename: 'ack.edi', contentType: 'application/octet-stream', size: 40 },
  ])
  assert.deepEqual(attachmentsOf({ type: 'text/csv', disposition: 'attachment', size: 5 }), [{ part: '1', filename: 'part-1', contentType: 'text/csv', size: 5 }])
})
