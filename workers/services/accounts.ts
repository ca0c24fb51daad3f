import { eq } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors';
import { appointmentTypes, dpaAcceptances, emailConfirmations, practices, termsVersions, users } from '../../db/schema';
import { DPA_VERSION, dpaText } from '../domain/dpa';
import type { Locale } from '../domain/locale';
import { defaultTermsText } from '../domain/terms-template';
import { newId, sha256Hex } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { TherapistActor } from '../lib/actor';
import { auditInsert } from './audit';
import type { Deps } from './deps';
import { accountExistsNotice, newConfirmation } from './email-confirmation';

export type SignUpInput = {
  practiceName: string;
  slug: string;
  timeZone: string;
  displayName: string;
  email: string;
  password: string;
  acceptDpa: boolean;
  dpaVersion: string;
  locale: Locale;
};

export type SignUpResult = {
  /** The new practice and owner, or null when the address already had an account (the caller answers the same). */
  created: { practiceId: string; userId: string } | null;
  /** The mail to send after the response: the confirmation link, or a notice to the existing account's owner. */
  deliver: () => Promise<void>;
};

export function isDpoAddress(deps: Deps, email: string): boolean {
  return email.trim().toLowerCase() === deps.config.DPO_EMAIL.trim().toLowerCase();
}

/**
 * Creates practice, owner account and the Art. 28 acceptance in one atomic batch. The account cannot sign in and its
 * booking page stays offline until the emailed link proves control of the address. An address that already has an
 * account gets the same answer (so the form does not reveal who has one) and its owner gets a notice instead.
 */
export async function signUp(deps: Deps, input: SignUpInput): Promise<SignUpResult> {
  if (!input.acceptDpa) {
    throw new AppError('VALIDATION_FAILED', 'auth.dpaRequired', { acceptDpa: 'auth.dpaRequiredField' });
  }
  if (input.dpaVersion !== DPA_VERSION) {
    throw new AppError('VALIDATION_FAILED', 'auth.dpaChanged', { dpaVersion: { key: 'auth.dpaChangedField', params: { version: DPA_VERSION } } });
  }
  // The DPO's address belongs to the platform role: claimed for it first, sign-up always finds it taken.
  if (isDpoAddress(deps, input.email)) await ensureDpoAccount(deps);
  const now = deps.now();
  const practiceId = newId();
  const userId = newId();
  // The new account holder signs up: the practice and the account are created in the batch the entries join.
  const actor: TherapistActor = { kind: 'therapist', userId, practiceId };
  const passwordHash = await deps.passwords.hash(input.password);
  const textSha256 = await sha256Hex(dpaText(input.locale));
  const starter = await starterContent(deps, { practiceId, locale: input.locale, practiceName: input.practiceName, therapistName: input.displayName, contactEmail: input.email });
  const confirmation = await newConfirmation(deps, userId, input.email, input.locale);
  try {
    await deps.db.batch([
      deps.db.insert(practices).values({
        id: practiceId,
        name: input.practiceName,
        slug: input.slug,
        timeZone: input.timeZone,
        locale: input.locale,
        contactEmail: input.email,
        createdAt: now,
      }),
      deps.db.insert(users).values({
        id: userId,
        practiceId,
        role: 'therapist',
        email: input.email,
        displayName: input.displayName,
        passwordHash,
        emailConfirmedAt: null,
        createdAt: now,
      }),
      confirmation.insert,
      deps.db.insert(dpaAcceptances).values({
        id: newId(),
        practiceId,
        userId,
        version: DPA_VERSION,
        textSha256,
        acceptedAt: now,
      }),
      starter.terms,
      starter.types,
      auditInsert(deps.db, { action: 'practice.signup', actor, practiceId, targetId: practiceId }, now),
      auditInsert(deps.db, { action: 'dpa.accept', actor, practiceId, targetId: practiceId }, now),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, 'practices.slug')) {
      throw new AppError('CONFLICT', 'auth.slugTaken', { slug: 'auth.slugTakenField' });
    }
    if (isUniqueViolation(error, 'users.email')) return { created: null, deliver: accountExistsNotice(deps, input.email, input.locale) };
    throw error;
  }
  return { created: { practiceId, userId }, deliver: confirmation.deliver };
}

/** Local seeds only: a confirmed account, because example data needs no proof of an address. */
export async function signUpConfirmed(deps: Deps, input: SignUpInput) {
  const { created } = await signUp(deps, input);
  if (!created) throw new AppError('CONFLICT', 'auth.accountExists');
  await deps.db.batch([
    deps.db.update(users).set({ emailConfirmedAt: deps.now() }).where(eq(users.id, created.userId)),
    deps.db.delete(emailConfirmations).where(eq(emailConfirmations.userId, created.userId)),
  ]);
  return created;
}

type StarterInput = { practiceId: string; locale: Locale; practiceName: string; therapistName: string; contactEmail: string };

/** What a new practice starts with: the default terms (version 1) and two appointment types, as inserts to batch. */
export async function starterContent(deps: Deps, input: StarterInput) {
  const now = deps.now();
  const text = defaultTermsText(input.locale, { ...input, dpoEmail: deps.config.DPO_EMAIL });
  return {
    terms: deps.db.insert(termsVersions).values({ id: newId(), practiceId: input.practiceId, version: 1, text, sha256: await sha256Hex(text), createdAt: now }),
    types: deps.db
      .insert(appointmentTypes)
      .values(defaultAppointmentTypes(input.locale).map((type) => ({ id: newId(), practiceId: input.practiceId, createdAt: now, ...type }))),
  };
}

/** Two types every new practice starts with; the therapist adjusts them in the dashboard. */
function defaultAppointmentTypes(locale: Locale) {
  const names = {
    de: ['Erstgespräch (Video)', 'Therapiesitzung (Praxis)'],
    da: ['Første samtale (video)', 'Terapisession (klinik)'],
    en: ['First consultation (video)', 'Therapy session (practice)'],
  }[locale];
  const common = { durationMin: 50, bufferBeforeMin: 0, bufferAfterMin: 10, minNoticeMin: 12 * 60, horizonDays: 60 };
  return [
    { ...common, name: names[0] ?? 'Video', mode: 'video' as const },
    { ...common, name: names[1] ?? 'Session', mode: 'in_person' as const },
  ];
}

export async function findUserById(deps: Deps, userId: string) {
  return deps.db.query.users.findFirst({ where: eq(users.id, userId) });
}

/** The DPO is a platform role created from configuration (DPO_EMAIL), never through sign-up. */
export async function ensureDpoAccount(deps: Deps, passwordHash: string | null = null) {
  const now = deps.now();
  await deps.db
    .insert(users)
    .values({
      id: newId(),
      practiceId: null,
      role: 'dpo',
      email: deps.config.DPO_EMAIL,
      displayName: 'Data-protection officer',
      passwordHash,
      // The address is the operator's configuration, and a password is set only through an emailed reset link.
      emailConfirmedAt: now,
      createdAt: now,
    })
    .onConflictDoNothing({ target: users.email });
  return deps.db.query.users.findFirst({ where: eq(users.email, deps.config.DPO_EMAIL) });
}
