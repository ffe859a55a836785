/**
 * Fault injection for the crash tests (test/reliability/): with `WISMO_CRASH_AT=<point>` in its
 * environment, the process kills itself with SIGKILL — exactly what `kill -9` does — the moment
 * it reaches that point, so a test can stop a real process at a chosen step and check what it
 * left. Points: `inbound.store` (a message's row written, its transaction not committed),
 * `inbound.apply` (a message applied, its transaction not committed), `imap.move` (an email
 * taken in, not yet moved out of its folder).
 */
export function crashPoint(point: string): void {
  if (process.env.WISMO_CRASH_AT === point) process.kill(process.pid, 'SIGKILL')
}
