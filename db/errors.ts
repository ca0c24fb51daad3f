/**
 * True when `error` or any error in its chain of causes carries a message that `matches`. Drivers wrap the database's
 * own error (drizzle keeps D1's and libSQL's as the cause), so every check of what the database refused walks the chain.
 */
export function someCause(error: unknown, matches: (message: string) => boolean): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (matches(current.message)) return true;
  }
  return false;
}

/** True when a write failed on the schema's UNIQUE constraint for `column` ("table.column"), on D1 and libSQL alike. */
export function isUniqueViolation(error: unknown, column: string): boolean {
  return someCause(error, (message) => message.includes('UNIQUE constraint failed') && message.includes(column));
}
