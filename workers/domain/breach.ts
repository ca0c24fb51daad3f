import { jurisdictionOf } from './jurisdiction';

// Pure rules for personal-data breaches (Art. 33 and 34 GDPR): the 72-hour clock, who is affected, and which
// supervisory authority a practice reports to. No I/O; every function takes `now` or plain data.

/** Art. 33(1): notify the supervisory authority "not later than 72 hours after having become aware of it". */
export const NOTIFICATION_WINDOW_MS = 72 * 60 * 60 * 1000;

export type BreachClock = {
  /** awareAt + 72 hours, as epoch milliseconds (the same instant everywhere; shown in UTC). */
  deadline: number;
  /** Time left until the deadline, never negative. */
  remainingMs: number;
  /** True once the deadline has passed. At the deadline itself the 72 hours are not yet exceeded. */
  overdue: boolean;
};

export function breachClock(awareAt: number, now: number): BreachClock {
  const deadline = awareAt + NOTIFICATION_WINDOW_MS;
  return { deadline, remainingMs: Math.max(0, deadline - now), overdue: now > deadline };
}

/** Whole hours and the remaining whole minutes of a duration, for "71 h 05 min". */
export function splitDuration(ms: number): { hours: number; minutes: number } {
  const totalMinutes = Math.floor(Math.max(0, ms) / 60_000);
  return { hours: Math.floor(totalMinutes / 60), minutes: totalMinutes % 60 };
}

/** "2026-03-29 01:30 UTC": deadlines are shown in UTC on the console so that no practice's time zone is implied. */
export function formatUtc(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Categories of personal data a breach may concern. The same vocabulary as the schema's privacy annotations
 * (db/privacy.ts), so the register, the notices and the record of processing speak of the same things; a unit test
 * keeps the two lists equal.
 */
export const BREACH_DATA_CATEGORIES = ['identifier', 'name', 'contact', 'health', 'consent', 'credential', 'technical', 'organisational', 'audit'] as const;
export type BreachDataCategory = (typeof BREACH_DATA_CATEGORIES)[number];

/** The people whose data the platform holds: the practices' clients, the therapists, and the platform's DPO. */
export const SUBJECT_CATEGORIES = ['clients', 'therapists', 'dpo'] as const;
export type SubjectCategory = (typeof SUBJECT_CATEGORIES)[number];

export type IncidentScope = { kind: 'all' } | { kind: 'practices'; practiceIds: string[] } | { kind: 'window'; from: number; to: number };

/**
 * The practices whose data a breach may concern. A time window affects every practice that existed before its end:
 * a practice created later cannot have had data exposed in it. Order of the input is kept.
 */
export function affectedPractices<T extends { id: string; createdAt: number }>(scope: IncidentScope, practices: readonly T[]): T[] {
  switch (scope.kind) {
    case 'all':
      return [...practices];
    case 'practices': {
      const chosen = new Set(scope.practiceIds);
      return practices.filter((practice) => chosen.has(practice.id));
    }
    case 'window':
      return practices.filter((practice) => practice.createdAt < scope.to);
  }
}

/**
 * Germany's data-protection supervision of private bodies (such as a therapist's practice) lies with the authority
 * of the federal state where the practice is established (§ 40 BDSG). Office names as the authorities use them.
 */
export const GERMAN_STATE_AUTHORITIES: readonly { state: string; authority: string }[] = [
  { state: 'Baden-Württemberg', authority: 'Landesbeauftragte/r für den Datenschutz und die Informationsfreiheit Baden-Württemberg (LfDI BW)' },
  { state: 'Bayern', authority: 'Bayerisches Landesamt für Datenschutzaufsicht (BayLDA)' },
  { state: 'Berlin', authority: 'Berliner Beauftragte/r für Datenschutz und Informationsfreiheit (BlnBDI)' },
  { state: 'Brandenburg', authority: 'Landesbeauftragte/r für den Datenschutz und für das Recht auf Akteneinsicht Brandenburg (LDA)' },
  { state: 'Bremen', authority: 'Landesbeauftragte/r für Datenschutz und Informationsfreiheit der Freien Hansestadt Bremen' },
  { state: 'Hamburg', authority: 'Hamburgische/r Beauftragte/r für Datenschutz und Informationsfreiheit (HmbBfDI)' },
  { state: 'Hessen', authority: 'Hessische/r Beauftragte/r für Datenschutz und Informationsfreiheit (HBDI)' },
  { state: 'Mecklenburg-Vorpommern', authority: 'Landesbeauftragte/r für Datenschutz und Informationsfreiheit Mecklenburg-Vorpommern' },
  { state: 'Niedersachsen', authority: 'Landesbeauftragte/r für den Datenschutz Niedersachsen (LfD)' },
  { state: 'Nordrhein-Westfalen', authority: 'Landesbeauftragte/r für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW)' },
  { state: 'Rheinland-Pfalz', authority: 'Landesbeauftragte/r für den Datenschutz und die Informationsfreiheit Rheinland-Pfalz' },
  { state: 'Saarland', authority: 'Unabhängiges Datenschutzzentrum Saarland' },
  { state: 'Sachsen', authority: 'Sächsische/r Datenschutz- und Transparenzbeauftragte/r' },
  { state: 'Sachsen-Anhalt', authority: 'Landesbeauftragte/r für den Datenschutz Sachsen-Anhalt' },
  { state: 'Schleswig-Holstein', authority: 'Unabhängiges Landeszentrum für Datenschutz Schleswig-Holstein (ULD)' },
  { state: 'Thüringen', authority: 'Thüringer Landesbeauftragte/r für den Datenschutz und die Informationsfreiheit (TLfDI)' },
];

export type SupervisoryAuthority =
  | { country: 'DK'; name: 'Datatilsynet'; website: 'https://www.datatilsynet.dk' }
  /** The practice has no state on record, so the draft names the state authority generically with the table to pick from. */
  | { country: 'DE'; stateAuthorities: typeof GERMAN_STATE_AUTHORITIES };

/**
 * The authority a practice reports to. The time zone tells the country and nothing more: Europe/Copenhagen means
 * Denmark (one national authority); every other practice of the platform is in Germany, whose state is unknown.
 */
export function supervisoryAuthority(timeZone: string): SupervisoryAuthority {
  if (jurisdictionOf(timeZone) === 'DK') return { country: 'DK', name: 'Datatilsynet', website: 'https://www.datatilsynet.dk' };
  return { country: 'DE', stateAuthorities: GERMAN_STATE_AUTHORITIES };
}

/**
 * The initial notice is stored with an empty update id rather than NULL: SQLite treats NULLs as distinct in a
 * UNIQUE index, so NULL would let the same initial notice be recorded (and sent) twice.
 */
export const INITIAL_NOTICE = '';

export type NoticeKey = { kind: 'practice' | 'update'; updateId: string };

/**
 * What a practice has not been sent yet. The first notice carries every update written so far, so they are claimed
 * with it and not sent again separately; after that each update is sent once.
 */
export function pendingNotices(sent: readonly NoticeKey[], updateIds: readonly string[]): NoticeKey[] {
  const done = new Set(sent.map((key) => `${key.kind}:${key.updateId}`));
  const updates: NoticeKey[] = updateIds.filter((id) => !done.has(`update:${id}`)).map((id) => ({ kind: 'update', updateId: id }));
  return done.has(`practice:${INITIAL_NOTICE}`) ? updates : [{ kind: 'practice', updateId: INITIAL_NOTICE }, ...updates];
}
