import { integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, privacy, privateTable, ROW_ID } from '../privacy';
import { practices } from './practices';

const ACCOUNT_LIFETIME = 'Until the account is deleted';

export const users = privateTable('users', {
  id: privacy(text('id').primaryKey(), ROW_ID),
  practiceId: privacy(text('practice_id').references(() => practices.id, { onDelete: 'cascade' }), {
    category: 'identifier',
    purpose: 'The practice a therapist owns; empty for the platform’s DPO',
    retention: ACCOUNT_LIFETIME,
    erasure: 'delete',
  }),
  role: privacy(text('role', { enum: ['therapist', 'dpo'] }).notNull(), {
    category: 'technical',
    purpose: 'Decides what the account may see and do',
    retention: ACCOUNT_LIFETIME,
    erasure: 'delete',
  }),
  email: privacy(text('email').notNull().unique(), {
    category: 'contact',
    purpose: 'Sign-in name and address for password resets and security notices',
    retention: ACCOUNT_LIFETIME,
    erasure: 'delete',
  }),
  displayName: privacy(text('display_name').notNull(), {
    category: 'name',
    purpose: 'The therapist’s name as clients see it on the booking page',
    retention: ACCOUNT_LIFETIME,
    erasure: 'delete',
  }),
  passwordHash: privacy(text('password_hash'), {
    category: 'credential',
    purpose: 'Argon2id hash to verify the password; empty until a password is set',
    retention: 'Replaced on every password change',
    erasure: 'delete',
    exported: false,
  }),
  totpSecret: privacy(text('totp_secret'), {
    category: 'credential',
    purpose: 'Shared secret of the optional second factor',
    retention: 'Until the second factor is removed',
    erasure: 'delete',
    exported: false,
  }),
  totpEnabledAt: privacy(integer('totp_enabled_at'), {
    category: 'technical',
    purpose: 'Whether and since when the second factor is required at sign-in',
    retention: 'Until the second factor is removed',
    erasure: 'delete',
  }),
  totpLastStep: privacy(integer('totp_last_step'), {
    category: 'technical',
    purpose: 'Last accepted one-time-code step, so a code cannot be replayed',
    retention: 'Replaced at every sign-in with a code',
    erasure: 'delete',
    exported: false,
  }),
  emailConfirmedAt: privacy(integer('email_confirmed_at'), {
    category: 'technical',
    purpose: 'When the owner proved control of the address through the emailed link; until then the account cannot sign in',
    retention: ACCOUNT_LIFETIME,
    erasure: 'delete',
  }),
  createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
});
