/** True when a write failed on the schema's UNIQUE constraint for `column` ("table.column"), on D1 and libSQL alike. */
export function isUniqueViolation(error: unknown, column: string): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current.message.includes('UNIQUE constraint failed') && current.message.includes(column)) return true;
  }
  return false;
}
