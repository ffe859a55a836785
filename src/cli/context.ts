import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Db } from '../store/db.ts'

/** What every CLI command gets: the database (opened on first use), the clock, config and output. */
export interface CliContext {
  db(): Promise<Db>
  clock: Clock
  config: Config
  out(text: string): void
  err(text: string): void
  /** True when stderr is a terminal (progress bars go there). */
  isTTY: boolean
}

/** A command: parsed positionals/flags in, exit code out (0 ok, 1 bad input, 2 usage). */
export type Command = (ctx: CliContext, args: CommandArgs) => Promise<number>

export interface CommandArgs {
  positionals: string[]
  flags: Record<string, string | boolean | undefined>
}

export class UsageError extends Error {}
