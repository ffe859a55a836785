import type { Queryable } from './db.ts'

export interface NoteRow {
  noteId: number
  author: string
  body: string
  createdAt: string
}

/** Adds a rep's note to an order; returns its id. */
export async function addNote(tx: Queryable, n: { orderId: number; author: string; body: string; now: Date }): Promise<number> {
  const [row] = await tx.query<{ note_id: number }>(
    'INSERT INTO notes (order_id, author, body, created_at) VALUES ($1, $2, $3, $4) RETURNING note_id',
    [n.orderId, n.author, n.body, n.now],
  )
  return row.note_id
}

/** An order's notes, newest first. */
export async function listNotes(db: Queryable, orderId: number): Promise<NoteRow[]> {
  const rows = await db.query<{ note_id: number; author: string; body: string; created_at: Date }>(
    'SELECT note_id, author, body, created_at FROM notes WHERE order_id = $1 ORDER BY created_at DESC, note_id DESC',
    [orderId],
  )
  return rows.map((r) => ({ noteId: r.note_id, author: r.author, body: r.body, createdAt: r.created_at.toISOString() }))
}
