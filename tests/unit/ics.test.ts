import { describe, expect, it } from 'vitest';
import { appointmentIcs } from '../../workers/domain/ics';

const BASE = {
  uid: 'appointment-0c6f1f0e@praxisraum.example',
  sequence: 0,
  start: Date.UTC(2026, 10, 24, 8, 0),
  end: Date.UTC(2026, 10, 24, 8, 50),
  stamp: Date.UTC(2026, 10, 20, 17, 5, 9),
  title: 'Appointment – Praxis Nord',
  description: 'Manage: https://praxisraum.example/manage/abc',
  organizer: { name: 'Praxis Nord', email: 'kontakt@praxis-nord.example' },
  attendee: { name: 'Erika Mustermann', email: 'erika@example.org' },
};

/** Long lines are folded onto continuation lines (RFC 5545 §3.1); tests read the unfolded content lines. */
function contentLines(ics: string): string[] {
  return ics.replace(/\r\n[ \t]/g, '').split('\r\n');
}

describe('appointmentIcs', () => {
  it('builds an invitation with the method, uid, sequence and UTC times', () => {
    const lines = contentLines(appointmentIcs({ ...BASE, method: 'REQUEST', sequence: 2 }));
    expect(lines).toContain('METHOD:REQUEST');
    expect(lines).toContain(`UID:${BASE.uid}`);
    expect(lines).toContain('SEQUENCE:2');
    expect(lines).toContain('DTSTART:20261124T080000Z');
    expect(lines).toContain('DTEND:20261124T085000Z');
    expect(lines).toContain('DTSTAMP:20261120T170509Z');
    expect(lines).toContain('STATUS:CONFIRMED');
    expect(lines.find((l) => l.startsWith('ORGANIZER'))).toMatch(/CN="Praxis Nord":MAILTO:kontakt@praxis-nord\.example$/);
    expect(lines.find((l) => l.startsWith('ATTENDEE'))).toContain('mailto:erika@example.org');
  });

  it('builds a cancellation for the same uid with status cancelled', () => {
    const request = contentLines(appointmentIcs({ ...BASE, method: 'REQUEST', sequence: 0 }));
    const cancel = contentLines(appointmentIcs({ ...BASE, method: 'CANCEL', sequence: 1 }));
    expect(cancel).toContain('METHOD:CANCEL');
    expect(cancel).toContain('STATUS:CANCELLED');
    expect(cancel).toContain('SEQUENCE:1');
    expect(cancel.find((l) => l.startsWith('UID:'))).toBe(request.find((l) => l.startsWith('UID:')));
    expect(cancel).not.toContain('METHOD:REQUEST');
  });

  it('marks the entry private and keeps to the neutral title it was given', () => {
    const lines = contentLines(appointmentIcs({ ...BASE, method: 'REQUEST' }));
    expect(lines).toContain('CLASS:PRIVATE');
    expect(lines).toContain('SUMMARY:Appointment – Praxis Nord');
  });

  it('leaves out the attendee, location and url when none are given', () => {
    const { attendee: _attendee, ...withoutAttendee } = BASE;
    const ics = appointmentIcs({ ...withoutAttendee, method: 'REQUEST' });
    expect(ics).not.toContain('ATTENDEE');
    expect(ics).not.toContain('LOCATION');
    expect(ics).not.toContain('\r\nURL:');
  });

  it('carries a location and url when given', () => {
    const lines = contentLines(
      appointmentIcs({
        ...BASE,
        method: 'REQUEST',
        location: 'Hauptstraße 1, Kiel',
        url: 'https://praxisraum.example/manage/abc',
      }),
    );
    expect(lines).toContain('LOCATION:Hauptstraße 1\\, Kiel');
    expect(lines).toContain('URL:https://praxisraum.example/manage/abc');
  });

  it('keeps names with double quotes from breaking the quoted CN parameter', () => {
    const organizer = { name: 'Praxis "Nord"', email: BASE.organizer.email };
    const ics = appointmentIcs({ ...BASE, method: 'REQUEST', organizer });
    expect(contentLines(ics)).toContain(`ORGANIZER;CN="Praxis 'Nord'":MAILTO:${BASE.organizer.email}`);
  });

  it('throws when the library refuses the input', () => {
    expect(() => appointmentIcs({ ...BASE, method: 'REQUEST', organizer: { name: 'Praxis', email: 'not an address' } })).toThrow(
      'Could not build the calendar file',
    );
  });
});
