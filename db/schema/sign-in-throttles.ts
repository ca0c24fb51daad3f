import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { privacy, privateTable } from '../privacy';

const THROTTLE_LIFETIME = 'Deleted at the next successful sign-in, or by the cleanup cron 24 hours after the last attempt';

/**
 * Sign-in attempts per typed address, known or not, so neither the answer nor the pause reveals which addresses have
 * accounts. The address itself is never stored (Art. 5(1)(c)): only a keyed hash that cannot be reversed without the
 * server secret. No network addresses are kept either.
 */
export const signInThrottles = privateTable(
  'sign_in_throttles',
  {
    key: privacy(text('key').primaryKey(), {
      category: 'identifier',
      purpose: 'HMAC-SHA-256 of the typed email address under a server secret: counts guesses without storing the address',
      retention: THROTTLE_LIFETIME,
      erasure: 'delete',
      exported: false,
    }),
    attempts: privacy(integer('attempts').notNull(), {
      category: 'technical',
      purpose: 'Sign-in attempts since the last success; counted before any password or code is checked',
      retention: THROTTLE_LIFETIME,
      erasure: 'delete',
    }),
    lockedUntil: privacy(integer('locked_until'), {
      category: 'technical',
      purpose: 'End of the current pause, during which no password or code is checked',
      retention: THROTTLE_LIFETIME,
      erasure: 'delete',
    }),
    expiresAt: privacy(integer('expires_at').notNull(), {
      category: 'technical',
      purpose: 'When the cleanup cron deletes the row',
      retention: THROTTLE_LIFETIME,
      erasure: 'delete',
    }),
  },
  (t) => [index('sign_in_throttles_expires_idx').on(t.expiresAt)],
);
