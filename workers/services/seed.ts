import { eq } from 'drizzle-orm';
import { appointmentTypes, termsVersions, users, workingHours } from '../../db/schema';
import { DPA_VERSION } from '../domain/dpa';
import { newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { ensureDpoAccount, signUpConfirmed, starterContent } from './accounts';
import type { Deps } from './deps';
import { findPractice, findPracticeBySlug } from './practices';

export const DEMO = {
  slug: 'demo',
  therapistEmail: 'demo@example.com',
  therapistPassword: 'demo-therapist-pass',
  dpoEmail: 'dpo@example.com',
  dpoPassword: 'demo-dpo-pass',
} as const;

const DEMO_PRACTICE_NAME = 'Praxis Demo (Psychotherapie)';
const DEMO_THERAPIST_NAME = 'Dr. Demo Therapeutin';

/** Monday to Friday, 09:00–12:00 and 13:00–17:00 local time. */
const DEMO_HOURS = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, startMinute: 9 * 60, endMinute: 12 * 60 },
  { weekday, startMinute: 13 * 60, endMinute: 17 * 60 },
]);

/** A demo database from an older version may lack terms or appointment types; add what is missing. */
async function completeDemoPractice(deps: Deps, practiceId: string) {
  const [terms, types] = await Promise.all([
    deps.db.query.termsVersions.findFirst({ where: eq(termsVersions.practiceId, practiceId) }),
    deps.db.query.appointmentTypes.findFirst({ where: eq(appointmentTypes.practiceId, practiceId) }),
  ]);
  const starter = await starterContent(deps, {
    practiceId,
    locale: 'de',
    practiceName: DEMO_PRACTICE_NAME,
    therapistName: DEMO_THERAPIST_NAME,
    contactEmail: DEMO.therapistEmail,
  });
  if (!terms) await starter.terms;
  if (!types) await starter.types;
}

/** Creates the demo practice and accounts once; running it again changes nothing. Local configuration only. */
export async function seedDemo(deps: Deps) {
  if (!deps.config.isLocal) throw new AppError('FORBIDDEN', 'demo.neverInProduction');
  let practice = await findPracticeBySlug(deps, DEMO.slug);
  if (!practice) {
    const { practiceId } = await signUpConfirmed(deps, {
      practiceName: DEMO_PRACTICE_NAME,
      slug: DEMO.slug,
      timeZone: 'Europe/Berlin',
      displayName: DEMO_THERAPIST_NAME,
      email: DEMO.therapistEmail,
      password: DEMO.therapistPassword,
      acceptDpa: true,
      dpaVersion: DPA_VERSION,
      locale: 'de',
    });
    await deps.db.insert(workingHours).values(DEMO_HOURS.map((h) => ({ id: newId(), practiceId, ...h })));
    practice = await findPractice(deps, practiceId);
  } else {
    await completeDemoPractice(deps, practice.id);
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
