/**
 * How a channel says a send failed: `permanent` (a 5xx SMTP reply, a 4xx API answer) is final;
 * anything else (a 4xx SMTP reply, a timeout, a dropped connection, a 5xx API answer) is retried.
 */
export class DeliveryError extends Error {
  readonly permanent: boolean
  /** The recipient opted out at the provider (an SMS STOP): record it, do not retry. */
  readonly optedOut: boolean
  constructor(message: string, opts: { permanent: boolean; optedOut?: boolean; cause?: unknown }) {
    super(message, { cause: opts.cause })
    this.name = 'DeliveryError'
    this.permanent = opts.permanent
    this.optedOut = opts.optedOut ?? false
  }
}

/** True when an error from any channel must not be retried. */
export function isPermanent(err: unknown): boolean {
  if (err instanceof DeliveryError) return err.permanent
  const code = (err as { responseCode?: number; cause?: { responseCode?: number } })?.responseCode ??
    (err as { cause?: { responseCode?: number } })?.cause?.responseCode
  return typeof code === 'number' && code >= 500 && code < 600
}
