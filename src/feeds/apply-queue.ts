/**
 * Stored deliveries applied a few at a time, in arrival order, after they were answered: the
 * webhook routes (carriers', platforms') answer as soon as a delivery is stored, and the answers
 * never wait in the database pool behind applies. What is queued is only an id — the message is
 * stored — so a process that stops, or a queue that falls far behind, leaves the rest `received`
 * for the sweep (`finishUnfinished`), which applies each exactly once (the message's claim).
 */
import type { Db } from '../store/db.ts'
import type { Clock } from '../clock.ts'
import { finishMessage } from './finish-inbound.ts'

/** Far behind (a storm the database cannot keep up with): past this, the sweep takes up what is stored. */
const MAX_QUEUED = 100_000

export class ApplyQueue {
  #ids: number[] = []
  #running = 0
  #closed = false
  #idle: (() => void)[] = []

  /** `concurrency` 0: nothing is applied here, every stored delivery waits for the sweep. */
  constructor(private readonly deps: { db: Db; clock: Clock }, private readonly concurrency: number) {}

  push(id: number): void {
    if (this.#closed || this.concurrency <= 0 || this.#ids.length >= MAX_QUEUED) return
    this.#ids.push(id)
    this.#next()
  }

  /** Stops taking up queued ids (they stay stored for the sweep) and waits for the applies under way. */
  async close(): Promise<void> {
    this.#closed = true
    this.#ids = []
    if (this.#running === 0) return
    await new Promise<void>((resolve) => this.#idle.push(resolve))
  }

  #next(): void {
    while (!this.#closed && this.#running < this.concurrency && this.#ids.length > 0) {
      const id = this.#ids.shift()!
      this.#running++
      void finishMessage(this.deps.db, id, this.deps.clock.now())
        .catch(() => {}) // left `received` (the reason noted on it): the sweep applies it
        .finally(() => {
          this.#running--
          if (this.#running === 0 && this.#closed) for (const resolve of this.#idle.splice(0)) resolve()
          this.#next()
        })
    }
  }
}
