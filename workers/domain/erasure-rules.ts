import type { ColumnPrivacy } from '../../db/privacy';
import { callWindow } from './call-window';
import { type Jurisdiction, jurisdictionOf } from './jurisdiction';

/**
 * Rules of erasure (Art. 17 GDPR) for one client of one practice. Pure: the erasure service reads the facts and runs
 * the statements; what is deleted, what is kept and why is decided here.
 */

/** Both laws keep treatment documentation ten years after the last entry. */
export const RECORD_KEEPING_YEARS = 10;

export const LEGAL_BASIS: Record<Jurisdiction, string> = {
  // BGB § 630f(3): the treating person keeps the patient file ten years after the treatment ended.
  DE: 'BGB § 630f: 10 years',
  // Journalføringsbekendtgørelsen § 15: journals are kept at least ten years after the last entry.
  DK: 'Journalføringsbekendtgørelsen § 15: 10 years',
};

/** Appointment statuses that document a treatment; cancelled, booked and missed appointments do not. */
export const DOCUMENTED_STATUSES = ['completed'] as const;

/**
 * The same instant `years` calendar years later, counted in UTC so daylight saving cannot shift it. 29 February
 * rolls over to 1 March, which errs on the side of keeping a day longer.
 */
export function retentionEnd(lastEntry: number, years = RECORD_KEEPING_YEARS): number {
  const end = new Date(lastEntry);
  end.setUTCFullYear(end.getUTCFullYear() + years);
  return end.getTime();
}

/** The newest entries of the client's treatment record, as the service reads them (null when there are none). */
export type TreatmentRecord = { lastCompletedAppointmentEnd: number | null; lastNoteAt: number | null };

export type ErasureDecision =
  | { outcome: 'erased' }
  | { outcome: 'restricted'; jurisdiction: Jurisdiction; legalBasis: string; retainUntil: number };

/**
 * Erase, or restrict instead (Art. 17(3)(b) and (e), Art. 18(1)): while the practice must still keep the treatment
 * record, the record stays, processing is restricted, and everything else is erased. The period runs from the last
 * entry (a session note or a completed appointment), and the record is kept as a whole: an older note explains a
 * newer one.
 */
export function decideErasure(record: TreatmentRecord, practice: { timeZone: string }, now: number): ErasureDecision {
  const entries = [record.lastCompletedAppointmentEnd, record.lastNoteAt].filter((at): at is number => at !== null);
  if (entries.length === 0) return { outcome: 'erased' };
  const retainUntil = retentionEnd(Math.max(...entries));
  if (retainUntil <= now) return { outcome: 'erased' };
  const jurisdiction = jurisdictionOf(practice.timeZone);
  return { outcome: 'restricted', jurisdiction, legalBasis: LEGAL_BASIS[jurisdiction], retainUntil };
}

/** What happens to one table's rows about the subject. */
export type TableErasure = { keep: false } | { keep: true; anonymise: string[]; reason: string };

// References to other parties (the acting account, the practice) are not the subject's data and stay, so the
// accountability record still says who did what; only the reference to the subject goes.
const REFERENCE_CATEGORIES = new Set<ColumnPrivacy['category']>(['identifier', 'audit']);

/**
 * Derived from the columns' privacy annotations. A table with a column kept for a legal duty keeps its rows and
 * anonymises the columns marked 'anonymise' that are about the subject: the column linking the row to the subject,
 * and content such as an email address or a note. Every other table loses the rows.
 */
export function tableErasure(meanings: Record<string, ColumnPrivacy>, linkKey: string): TableErasure {
  const duty = Object.values(meanings).find((meaning) => meaning.erasure === 'keep-legal-duty');
  if (!duty) return { keep: false };
  const anonymise = Object.entries(meanings)
    .filter(([key, meaning]) => meaning.erasure === 'anonymise' && (key === linkKey || !REFERENCE_CATEGORIES.has(meaning.category)))
    .map(([key]) => key);
  return { keep: true, anonymise, reason: duty.retention };
}

/** Rooms keep nothing after their closing alarm; a week of margin covers retried alarms. */
export const ROOM_PURGE_GRACE_MS = 7 * 86_400_000;

/**
 * Whether a video appointment's call room may still hold anything. Rooms delete their storage at closing time, so
 * only rooms of appointments ahead or recently over are purged; that keeps the number of Durable Object requests of
 * one erasure small for a client with years of video sessions.
 */
export function roomMayHoldData(appointment: { startAt: number; endAt: number }, now: number): boolean {
  return callWindow(appointment).closesAt + ROOM_PURGE_GRACE_MS > now;
}
