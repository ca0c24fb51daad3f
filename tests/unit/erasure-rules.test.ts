import { describe, expect, it } from 'vitest';
import type { ColumnPrivacy } from '../../db/privacy';
import { privacyOf } from '../../db/privacy';
import '../../db/schema';
import {
  decideErasure,
  LEGAL_BASIS,
  retentionEnd,
  roomMayHoldData,
  type TableErasure,
  tableErasure,
  type TreatmentRecord,
} from '../../workers/domain/erasure-rules';
import { jurisdictionOf } from '../../workers/domain/jurisdiction';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23, 10, 0);
const NOTHING: TreatmentRecord = { lastCompletedAppointmentEnd: null, lastNoteAt: null };

describe('jurisdictionOf', () => {
  it.each([
    ['Europe/Copenhagen', 'DK'],
    ['Europe/Berlin', 'DE'],
    ['Europe/Vienna', 'DE'],
    ['UTC', 'DE'],
  ])('treats a practice in %s as %s', (timeZone, expected) => {
    expect(jurisdictionOf(timeZone)).toBe(expected);
  });
});

describe('retentionEnd', () => {
  it.each([
    ['an ordinary day', Date.UTC(2026, 4, 12, 14, 30), Date.UTC(2036, 4, 12, 14, 30)],
    // 02:30 local does not exist in Berlin on this day; the instant (01:30 UTC) is what counts, ten years on.
    ['the spring-forward day in Berlin', Date.UTC(2026, 2, 29, 1, 30), Date.UTC(2036, 2, 29, 1, 30)],
    // The repeated hour in Copenhagen: the second 02:30 local is 01:30 UTC.
    ['the repeated autumn hour in Copenhagen', Date.UTC(2026, 9, 25, 1, 30), Date.UTC(2036, 9, 25, 1, 30)],
    ['29 February, which rolls to 1 March', Date.UTC(2028, 1, 29, 9, 0), Date.UTC(2038, 2, 1, 9, 0)],
  ])('adds ten calendar years on %s', (_, lastEntry, expected) => {
    expect(retentionEnd(lastEntry)).toBe(expected);
  });
});

describe('decideErasure', () => {
  const berlin = { timeZone: 'Europe/Berlin' };
  const copenhagen = { timeZone: 'Europe/Copenhagen' };

  it.each<[string, TreatmentRecord, { timeZone: string }, 'erased' | 'restricted']>([
    ['a client without notes or completed appointments', NOTHING, berlin, 'erased'],
    ['a note written yesterday', { ...NOTHING, lastNoteAt: NOW - DAY }, berlin, 'restricted'],
    ['a session completed an hour ago', { ...NOTHING, lastCompletedAppointmentEnd: NOW - 3_600_000 }, copenhagen, 'restricted'],
    ['a session completed one day short of ten years ago', { ...NOTHING, lastCompletedAppointmentEnd: Date.UTC(2016, 10, 24, 10, 0) }, berlin, 'restricted'],
    ['a session completed exactly ten years ago', { ...NOTHING, lastCompletedAppointmentEnd: Date.UTC(2016, 10, 23, 10, 0) }, berlin, 'erased'],
    ['an old note but a session two years ago', { lastNoteAt: NOW - 11 * 366 * DAY, lastCompletedAppointmentEnd: NOW - 2 * 365 * DAY }, berlin, 'restricted'],
    ['a record whose last entry is eleven years old', { lastNoteAt: NOW - 11 * 366 * DAY, lastCompletedAppointmentEnd: NOW - 12 * 366 * DAY }, copenhagen, 'erased'],
  ])('decides for %s', (_, record, practice, outcome) => {
    expect(decideErasure(record, practice, NOW).outcome).toBe(outcome);
  });

  it('names the German legal basis and keeps the record ten years after the last entry', () => {
    const lastNoteAt = NOW - 30 * DAY;
    expect(decideErasure({ lastCompletedAppointmentEnd: NOW - 60 * DAY, lastNoteAt }, { timeZone: 'Europe/Berlin' }, NOW)).toEqual({
      outcome: 'restricted',
      jurisdiction: 'DE',
      legalBasis: 'BGB § 630f: 10 years',
      retainUntil: retentionEnd(lastNoteAt),
    });
  });

  it('names the Danish journal rules for a practice in Copenhagen', () => {
    const decision = decideErasure({ ...NOTHING, lastNoteAt: NOW - DAY }, { timeZone: 'Europe/Copenhagen' }, NOW);
    expect(decision).toMatchObject({ outcome: 'restricted', jurisdiction: 'DK', legalBasis: LEGAL_BASIS.DK });
    expect(LEGAL_BASIS.DK).toBe('Journalføringsbekendtgørelsen § 15: 10 years');
  });
});

describe('tableErasure from the schema’s annotations', () => {
  const of = (table: string, link: string): TableErasure => {
    const meanings = privacyOf(table);
    if (!meanings) throw new Error(`no annotations for ${table}`);
    return tableErasure(meanings, link);
  };

  it.each([
    ['clients', 'id'],
    ['appointments', 'clientId'],
    ['session_notes', 'clientId'],
    ['appointment_slots', 'appointmentId'],
    ['call_metrics', 'appointmentId'],
    ['outbox_messages', 'recipient'],
  ])('deletes the subject’s rows of %s', (table, link) => {
    expect(of(table, link)).toEqual({ keep: false });
  });

  it.each([
    ['consent_records', 'clientId', ['clientId']],
    ['rights_requests', 'clientId', ['clientId', 'email', 'details']],
    ['rights_request_events', 'requestId', ['note']],
    ['download_links', 'requestId', []],
  ])('keeps %s for its legal duty and anonymises %j', (table, link, anonymise) => {
    expect(of(table, link)).toMatchObject({ keep: true, anonymise });
  });

  it('takes only the target from an audit entry; who acted and for which practice stay', () => {
    expect(of('audit_events', 'targetId')).toEqual({ keep: true, anonymise: ['targetId'], reason: 'Six years, then deleted by the cleanup cron' });
  });

  const column = (erasure: ColumnPrivacy['erasure'], category: ColumnPrivacy['category'] = 'contact'): ColumnPrivacy => ({
    category,
    purpose: 'test column',
    retention: 'test retention',
    erasure,
  });

  it('deletes a row marked for anonymisation when nothing obliges keeping it', () => {
    expect(tableErasure({ id: column('delete', 'identifier'), email: column('anonymise') }, 'id')).toEqual({ keep: false });
  });

  it('deletes rows of a table whose columns are all not personal', () => {
    expect(tableErasure({ id: column('not-personal', 'identifier'), at: column('not-personal', 'technical') }, 'id')).toEqual({ keep: false });
  });

  it('gives the retention of the duty as the reason for keeping', () => {
    const meanings = { ref: column('anonymise', 'identifier'), at: { ...column('keep-legal-duty', 'audit'), retention: 'Five years' } };
    expect(tableErasure(meanings, 'ref')).toEqual({ keep: true, anonymise: ['ref'], reason: 'Five years' });
  });
});

describe('roomMayHoldData', () => {
  const hour = 3_600_000;
  it.each([
    ['an appointment next week', NOW + 7 * DAY, true],
    ['a call running now', NOW + hour / 2, true],
    ['a call that ended six days ago', NOW - 6 * DAY, true],
    ['a call that ended eight days ago', NOW - 8 * DAY, false],
  ])('purges the room of %s: %s', (_, endAt, expected) => {
    expect(roomMayHoldData({ startAt: endAt - hour, endAt }, NOW)).toBe(expected);
  });
});
