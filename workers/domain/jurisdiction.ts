/** The two legal systems the platform serves; the law a practice follows decides its retention duties and authority. */
export type Jurisdiction = 'DE' | 'DK';

/** The practice's law follows its time zone: Copenhagen is Denmark, every other zone we serve is Germany. */
export function jurisdictionOf(timeZone: string): Jurisdiction {
  return timeZone === 'Europe/Copenhagen' ? 'DK' : 'DE';
}
