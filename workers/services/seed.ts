import { eq } from 'drizzle-orm';
import { practices, users, workingHours } from '../../db/schema';
import { DPA_VERSION } from '../domain/dpa';
import { newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { ensureDpoAccount, signUp } from './accounts';
import type { Deps } from './deps';

export const DEMO = {
  slug: 'demo',
  therapistEmail: 'demo@example.com',
  therapistPassword: 'demo-therapist-pass',
  dpoEmail: 'dpo@example.com',
  dpoPassword: 'demo-dpo-pass',
} as const;

/** Monday to Friday, 09:00–12:00 and 13:00–17:00 local time. */
const DEMO_HOURS = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, startMinute: 9 * 60, endMinute: 12 * 60 },
  { weekday, startMinute: 13 * 60, endMinute: 17 * 60 },
]);

/** Creates the demo practice and accounts once; running it again changes nothing. Local configuration only. */
export async function seedDemo(deps: Deps) {
  if (!deps.config.isLocal) throw new AppError('FORBIDDEN', 'Demo data is never created in production');
  let practice = await deps.db.query.practices.findFirst({ where: eq(practices.slug, DEMO.slug) });
  if (!practice) {
    const { practiceId } = await signUp(deps, {
      practiceName: 'Praxis Demo (Psychotherapie)',
      slug: DEMO.slug,
      timeZone: 'Europe/Berlin',
      displayName: 'Dr. Demo Therapeutin',
      email: DEMO.therapistEmail,
      password: DEMO.therapistPassword,
      acceptDpa: true,
      dpaVersion: DPA_VERSION,
      locale: 'de',
    });
    await deps.db.insert(workingHours).values(DEMO_HOURS.map((h) => ({ id: newId(), practiceId, ...h })));
    practice = await deps.db.query.practices.findFirst({ where: eq(practices.id, practiceId) });
  }
  if (deps.config.DPO_EMAIL === DEMO.dpoEmail) {
    const dpo = await ensureDpoAccount(deps);
    if (dpo && !dpo.passwordHash) {
      await deps.db.update(users).set({ passwordHash: await deps.passwords.hash(DEMO.dpoPassword) }).where(eq(users.id, dpo.id));
    }
  }
  return {
    practice: { slug: DEMO.slug, id: practice?.id },
    accounts: [
      { role: 'therapist', email: DEMO.therapistEmail, password: DEMO.therapistPassword },
      { role: 'dpo', email: DEMO.dpoEmail, password: DEMO.dpoPassword },
    ],
  };
}
