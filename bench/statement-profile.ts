/**
 * Where a job's time goes, measured from outside it: a Db whose transactions hand out a Queryable
 * that times every statement (named by its first words) and the JavaScript between statements
 * (named "js before <the next statement>", so deriving, rendering and building arrays show up by
 * the statement they feed). Bench code only; the job runs unchanged.
 */
import type { Db, Queryable } from '../src/store/db.ts'

export interface Phase { label: string; ms: number; count: number }

export interface StatementProfile {
  /** Wraps `db`: transactions (one per batch in the sweep and outreach) are profiled; plain queries too. */
  db: Db
  /** Transactions run through the wrapper. */
  transactions(): number
  /** Phases by time, largest first. */
  phases(): Phase[]
  reset(): void
}

/** A statement's label: its verb and the table it works on, with the SQL's whitespace squeezed. */
export function statementLabel(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim()
  const m = /^(WITH\b.*?\)\s*)?(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s+(.*)$/i.exec(s)
  if (!m) return s.slice(0, 40)
  const verb = m[2].toUpperCase()
  if (verb === 'SELECT') {
    const from = /\bFROM\s+([a-z_]+)/i.exec(m[3])
    return `SELECT … FROM ${from ? from[1] : '?'}`
  }
  return `${verb} ${/^([a-z_]+)/i.exec(m[3])?.[1] ?? '?'}`
}

export function profileStatements(db: Db): StatementProfile {
  const acc = new Map<string, Phase>()
  let txs = 0
  const add = (label: string, ms: number) => {
    const p = acc.get(label) ?? { label, ms: 0, count: 0 }
    p.ms += ms
    p.count++
    acc.set(label, p)
  }
  const wrapTx = (tx: Queryable): Queryable => {
    let lastEnd = performance.now()
    let inFlight = 0
    return {
      async query<T>(text: string, values?: unknown[]): Promise<T[]> {
        const label = statementLabel(text)
        const t = performance.now()
        // JS between statements (only when none is in flight: parallel reads are not JS time).
        if (inFlight === 0) add(`js before ${label}`, t - lastEnd)
        inFlight++
        try {
          return await tx.query<T>(text, values)
        } finally {
          inFlight--
          lastEnd = performance.now()
          add(label, lastEnd - t)
        }
      },
    }
  }
  const wrapped: Db = {
    ...db,
    query: (text, values) => wrapTx(db).query(text, values),
    transaction(fn, opts) {
      txs++
      return db.transaction((tx) => fn(wrapTx(tx)), opts)
    },
  }
  return {
    db: wrapped,
    transactions: () => txs,
    phases: () => [...acc.values()].sort((a, b) => b.ms - a.ms),
    reset: () => (acc.clear(), (txs = 0)),
  }
}
