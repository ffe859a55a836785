/**
 * Migration 060 on a database that already holds what the old read-then-insert let through: the
 * same feed applied twice, a copy left `received`, a truncated import body. The unique index is
 * created all the same, and what each row was stays true.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import { migrate } from '../../src/store/migrate.ts'

test('060 dedupes what the old race left, then makes the identity unique', async () => {
  const db = await freshDb()
  try {
    // Back to the schema before 060 (this test's database only).
    await db.query(`DROP INDEX inbound_messages_once; DROP INDEX inbound_messages_unfinished; DROP INDEX inbound_messages_supersedes;
      ALTER TABLE inbound_messages DROP COLUMN identity, DROP COLUMN attempts, DROP COLUMN claimed_at, DROP COLUMN supersedes;
      CREATE UNIQUE INDEX inbound_messages_dedupe ON inbound_messages (kind, dedupe_key) WHERE dedupe_key IS NOT NULL AND status = 'applied';
      DELETE FROM schema_migrations WHERE version = '060_inbound_once'`)
    const insert = (status: string, sha: string, supplier: string | null = 'ACME', kind = 'supplier_csv') =>
      db.query(`INSERT INTO inbound_messages (kind, source, supplier_id, sha256, body, received_at, status) VALUES ($1, 'cli', $2, $3, '\\x01', now(), $4)`, [kind, supplier, sha, status])
    await insert('applied', 'aaa') // 1
    await insert('applied', 'aaa') // 2: the race applied it twice
    await insert('received', 'aaa') // 3: a third copy never finished
    await insert('applied', 'aaa', 'BOLT') // 4: the same bytes from another supplier: another message
    await insert('received', '', null, 'import_csv') // 5: an import cut short while storing
    await insert('quarantined', 'bbb') // 6
    await migrate(db)
    const rows = await db.query<{ message_id: number; status: string; identity: string | null; duplicate_of: number | null }>(
      'SELECT message_id, status, identity, duplicate_of FROM inbound_messages ORDER BY message_id')
    assert.deepEqual(rows.map((r) => [r.status, r.identity, r.duplicate_of]), [
      ['applied', 'sha:ACME:aaa', null],
      ['applied', null, null],
      ['duplicate', 'sha:ACME:aaa', 1],
      ['applied', 'sha:BOLT:aaa', null],
      ['quarantined', 'sha:cli:', null],
      ['quarantined', 'sha:ACME:bbb', null],
    ])
    await assert.rejects(db.query(`INSERT INTO inbound_messages (kind, source, sha256, body, received_at, identity) VALUES ('supplier_csv', 'cli', 'aaa', '', now(), 'sha:ACME:aaa')`), /inbound_messages_once/)
  } finally {
    await db.close()
  }
})
