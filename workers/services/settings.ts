import { and, asc, desc, eq, gte } from 'drizzle-orm';
import type { z } from 'zod';
import { isUniqueViolation } from '../../db/errors';
import { rowChunks } from '../../db/bound-parameters';
import { appointments, appointmentTypes, availabilityExceptions, practices, termsVersions, workingHours } from '../../db/schema';
import { utcToLocal } from '../domain/zoned-time';
import type { TherapistActor } from '../lib/actor';
import { newId, sha256Hex } from '../lib/crypto';
import type { Message, PlainKey } from '../../web/i18n/errors';
import { AppError, type FieldMessages, validationError } from '../lib/errors';
import {
  type AppointmentTypeInput,
  appointmentTypeRules,
  type ExceptionInput,
  exceptionRules,
  MAX_RANGES_PER_DAY,
  type ProfileInput,
  profileRules,
  type TermsInput,
  termsRules,
  type WorkingRangeInput,
  workingRangeRules,
} from '../lib/settings-input';
import { auditInsert } from './audit';
import type { Deps } from './deps';
import { findPractice } from './practices';

// The therapist's settings. Every read and write is scoped by the practice id of the signed-in therapist; an id that
// belongs to another practice is answered exactly like an unknown one (404), so nobody learns that it exists.

function checked<T extends z.ZodType>(rules: T, input: unknown): z.infer<T> {
  const parsed = rules.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

function refuse(message: PlainKey, fields: FieldMessages): never {
  throw new AppError('VALIDATION_FAILED', message, fields);
}

/** Problems of a week's hours, keyed `dayW` (ISO weekday): empty or reversed ranges, overlaps, too many ranges. */
export function weeklyHoursProblems(ranges: WorkingRangeInput[]): Record<string, Message[]> {
  const problems: Record<string, Message[]> = {};
  for (let weekday = 1; weekday <= 7; weekday++) {
    const day = ranges.filter((r) => r.weekday === weekday).sort((a, b) => a.startMinute - b.startMinute);
    const messages: Message[] = [];
    if (day.length > MAX_RANGES_PER_DAY) messages.push({ key: 'settings.atMostRanges', params: { max: MAX_RANGES_PER_DAY } });
    if (day.some((r) => r.startMinute >= r.endMinute)) messages.push({ key: 'settings.rangeEndsAfterStart' });
    // Touching ranges (09–12, 12–15) are fine: the slot function merges them.
    if (day.some((r, i) => i > 0 && r.startMinute < (day[i - 1]?.endMinute ?? 0))) messages.push({ key: 'settings.rangesOverlap' });
    if (messages.length) problems[`day${weekday}`] = messages;
  }
  return problems;
}

export async function replaceWorkingHours(deps: Deps, actor: TherapistActor, input: WorkingRangeInput[]) {
  const { practiceId } = actor;
  const ranges = input.map((range) => checked(workingRangeRules, range));
  const problems = weeklyHoursProblems(ranges);
  if (Object.keys(problems).length) refuse('settings.correctHours', problems);
  const rows = ranges.map((range) => ({ id: newId(), practiceId, ...range }));
  await deps.db.batch([
    deps.db.delete(workingHours).where(eq(workingHours.practiceId, practiceId)),
    // Seven days of up to eight ranges is more rows than one INSERT may bind on D1.
    ...rowChunks(workingHours, rows).map((chunk) => deps.db.insert(workingHours).values(chunk)),
    auditInsert(deps.db, { action: 'settings.hours_replaced', actor, practiceId, targetId: practiceId }, deps.now()),
  ]);
}

export async function addException(deps: Deps, actor: TherapistActor, input: ExceptionInput) {
  const { practiceId } = actor;
  const exception = checked(exceptionRules, input);
  const { startMinute, endMinute } = exception;
  if ((startMinute === null) !== (endMinute === null)) refuse('settings.bothTimes', { end: 'settings.bothTimesOrNeither' });
  if (exception.kind === 'extra' && startMinute === null) refuse('settings.extraNeedsRange', { start: 'settings.enterExtraHours' });
  if (startMinute !== null && endMinute !== null && startMinute >= endMinute) refuse('settings.endAfterStart', { end: 'settings.endAfterStart' });
  const id = newId();
  await deps.db.batch([
    deps.db.insert(availabilityExceptions).values({ id, practiceId, ...exception }),
    auditInsert(deps.db, { action: 'settings.exception_added', actor, practiceId, targetId: id }, deps.now()),
  ]);
  return { id };
}

export async function removeException(deps: Deps, actor: TherapistActor, exceptionId: string) {
  const { practiceId } = actor;
  const scope = and(eq(availabilityExceptions.id, exceptionId), eq(availabilityExceptions.practiceId, practiceId));
  const existing = await deps.db.query.availabilityExceptions.findFirst({ where: scope });
  if (!existing) throw new AppError('NOT_FOUND', 'settings.noSuchException');
  await deps.db.batch([
    deps.db.delete(availabilityExceptions).where(scope),
    auditInsert(deps.db, { action: 'settings.exception_removed', actor, practiceId, targetId: exceptionId }, deps.now()),
  ]);
}

export async function findType(deps: Deps, practiceId: string, typeId: string) {
  const type = await deps.db.query.appointmentTypes.findFirst({
    where: and(eq(appointmentTypes.id, typeId), eq(appointmentTypes.practiceId, practiceId)),
  });
  if (!type) throw new AppError('NOT_FOUND', 'settings.noSuchType');
  return type;
}

export async function createType(deps: Deps, actor: TherapistActor, input: AppointmentTypeInput) {
  const { practiceId } = actor;
  const type = checked(appointmentTypeRules, input);
  const id = newId();
  const now = deps.now();
  await deps.db.batch([
    deps.db.insert(appointmentTypes).values({ id, practiceId, ...type, active: true, createdAt: now }),
    auditInsert(deps.db, { action: 'settings.type_created', actor, practiceId, targetId: id }, now),
  ]);
  return { id };
}

export async function updateType(deps: Deps, actor: TherapistActor, typeId: string, input: AppointmentTypeInput) {
  const { practiceId } = actor;
  const type = checked(appointmentTypeRules, input);
  const existing = await findType(deps, practiceId, typeId);
  // Booked video appointments carry an access code and in-person ones do not, so a used type keeps its mode.
  if (type.mode !== existing.mode && (await isTypeUsed(deps, practiceId, typeId))) {
    refuse('settings.typeHasAppointments', { mode: 'settings.typeHasAppointmentsField' });
  }
  await deps.db.batch([
    deps.db.update(appointmentTypes).set(type).where(and(eq(appointmentTypes.id, typeId), eq(appointmentTypes.practiceId, practiceId))),
    auditInsert(deps.db, { action: 'settings.type_updated', actor, practiceId, targetId: typeId }, deps.now()),
  ]);
}

/** Types are never deleted: appointments and consent records keep pointing at them. Inactive types are not bookable. */
async function setTypeActive(deps: Deps, actor: TherapistActor, typeId: string, active: boolean) {
  const { practiceId } = actor;
  await findType(deps, practiceId, typeId);
  await deps.db.batch([
    deps.db.update(appointmentTypes).set({ active }).where(and(eq(appointmentTypes.id, typeId), eq(appointmentTypes.practiceId, practiceId))),
    auditInsert(deps.db, { action: active ? 'settings.type_reactivated' : 'settings.type_deactivated', actor, practiceId, targetId: typeId }, deps.now()),
  ]);
}

export function deactivateType(deps: Deps, actor: TherapistActor, typeId: string) {
  return setTypeActive(deps, actor, typeId, false);
}

export function reactivateType(deps: Deps, actor: TherapistActor, typeId: string) {
  return setTypeActive(deps, actor, typeId, true);
}

async function isTypeUsed(deps: Deps, practiceId: string, typeId: string): Promise<boolean> {
  const used = await deps.db.query.appointments.findFirst({
    columns: { id: true },
    where: and(eq(appointments.practiceId, practiceId), eq(appointments.typeId, typeId)),
  });
  return !!used;
}

export async function updateProfile(deps: Deps, actor: TherapistActor, input: ProfileInput) {
  const { practiceId } = actor;
  const profile = checked(profileRules, input);
  await deps.db.batch([
    deps.db.update(practices).set(profile).where(eq(practices.id, practiceId)),
    auditInsert(deps.db, { action: 'settings.profile_updated', actor, practiceId, targetId: practiceId }, deps.now()),
  ]);
}

/**
 * Publishes a new version of the booking terms. Versions are append-only (a trigger refuses updates): a consent record
 * names the version and text hash its client accepted (Art. 7(1) GDPR), so earlier texts must stay as they were.
 */
export async function publishTerms(deps: Deps, actor: TherapistActor, input: TermsInput) {
  const { practiceId } = actor;
  const { text } = checked(termsRules, input);
  const current = await deps.db.query.termsVersions.findFirst({ where: eq(termsVersions.practiceId, practiceId), orderBy: desc(termsVersions.version) });
  if (current?.text === text) refuse('settings.termsUnchanged', { text: 'settings.termsUnchangedField' });
  const version = (current?.version ?? 0) + 1;
  const id = newId();
  const now = deps.now();
  try {
    await deps.db.batch([
      deps.db.insert(termsVersions).values({ id, practiceId, version, text, sha256: await sha256Hex(text), createdAt: now }),
      auditInsert(deps.db, { action: 'terms.published', actor, practiceId, targetId: id }, now),
    ]);
  } catch (error) {
    // Two publications at once computed the same number; the unique index lets only one of them in.
    if (isUniqueViolation(error, 'terms_versions.version')) throw new AppError('CONFLICT', 'settings.termsRace');
    throw error;
  }
  return { version };
}

export async function listTermsVersions(deps: Deps, practiceId: string) {
  return deps.db.query.termsVersions.findMany({
    columns: { version: true, sha256: true, createdAt: true },
    where: eq(termsVersions.practiceId, practiceId),
    orderBy: desc(termsVersions.version),
  });
}

export async function termsVersionOf(deps: Deps, practiceId: string, version: number) {
  const terms = await deps.db.query.termsVersions.findFirst({
    where: and(eq(termsVersions.practiceId, practiceId), eq(termsVersions.version, version)),
  });
  if (!terms) throw new AppError('NOT_FOUND', 'settings.noSuchTerms');
  return terms;
}

/** One stored version for reading, with whether it is the one the booking page shows now. */
export async function readTermsVersion(deps: Deps, practiceId: string, version: number) {
  const [terms, versions, practice] = await Promise.all([
    termsVersionOf(deps, practiceId, version),
    listTermsVersions(deps, practiceId),
    findPractice(deps, practiceId),
  ]);
  return { terms, isCurrent: versions[0]?.version === version, timeZone: practice?.timeZone ?? 'UTC' };
}

/** Everything the settings page shows; exceptions from today on, in the practice's local calendar. */
export async function loadSettings(deps: Deps, practiceId: string) {
  const practice = await findPractice(deps, practiceId);
  if (!practice) throw new AppError('NOT_FOUND', 'practice.notFound');
  const today = utcToLocal(deps.now(), practice.timeZone).date;
  const [hours, exceptions, types, versions] = await Promise.all([
    deps.db.query.workingHours.findMany({ where: eq(workingHours.practiceId, practiceId), orderBy: [asc(workingHours.weekday), asc(workingHours.startMinute)] }),
    deps.db.query.availabilityExceptions.findMany({
      where: and(eq(availabilityExceptions.practiceId, practiceId), gte(availabilityExceptions.date, today)),
      orderBy: [asc(availabilityExceptions.date), asc(availabilityExceptions.startMinute)],
    }),
    deps.db.query.appointmentTypes.findMany({ where: eq(appointmentTypes.practiceId, practiceId), orderBy: [desc(appointmentTypes.active), asc(appointmentTypes.createdAt)] }),
    listTermsVersions(deps, practiceId),
  ]);
  const current = versions[0] ? await termsVersionOf(deps, practiceId, versions[0].version) : null;
  return { practice, hours, exceptions, types, terms: { current, versions } };
}

export type SettingsView = Awaited<ReturnType<typeof loadSettings>>;
