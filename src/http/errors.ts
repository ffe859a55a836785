/** One table from error code to HTTP status; anything not listed is a 400 (the caller's input). */
const STATUS: Record<string, number> = {
  ORDER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  RATE_LIMITED: 429,
  DB_LOCKED: 503,
}

export function httpStatusFor(code: string): number {
  return STATUS[code] ?? 400
}

export const ErrorSchemaShape = {
  code: 'a stable code, AREA_REASON',
  message: 'what went wrong, for a person',
}
