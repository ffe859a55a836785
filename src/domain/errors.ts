/** A broken rule or refused input, with a stable code (`AREA_REASON`) and a message a person can act on. */
export class DomainError extends Error {
  readonly code: string
  readonly details: string[]
  constructor(code: string, message: string, opts: { cause?: unknown; details?: string[] } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'DomainError'
    this.code = code
    this.details = opts.details ?? []
  }
}
