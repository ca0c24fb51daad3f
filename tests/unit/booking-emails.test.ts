import { describe, expect, it } from 'vitest';
import { bookingCancelledEmail } from '../../emails/booking-cancelled';
import { bookingConfirmationEmail } from '../../emails/booking-confirmation';
import { bookingReminderEmail } from '../../emails/booking-reminder';
import type { RenderedEmail } from '../../emails/render';
import { therapistBookingNoticeEmail } from '../../emails/therapist-notice';
import { appointmentIcs, calendarUid, calendarUidSigner } from '../../workers/domain/ics';
import { LOCALES, type Locale } from '../../workers/domain/locale';

const UID = 'appointment-7d1e@praxisraum.example';
// 08:00 UTC is 09:00 in Berlin and Copenhagen in November.
const START = Date.UTC(2026, 10, 24, 8, 0);
const END = START + 50 * 60_000;
const HOSTILE_NAME = '<script>alert(1)</script>';
const CLIENT_EMAIL = 'erika@example.org';

const ics = (method: 'REQUEST' | 'CANCEL') =>
  appointmentIcs({
    uid: UID,
    sequence: method === 'CANCEL' ? 1 : 0,
    method,
    start: START,
    end: END,
    stamp: START - 86_400_000,
    title: 'Termin – Praxis Nord',
    description: 'Praxis Nord',
    organizer: { name: 'Praxis Nord', email: 'kontakt@praxis-nord.example' },
    attendee: { name: HOSTILE_NAME, email: CLIENT_EMAIL },
  });

const confirmation = (mode: 'video' | 'in_person', locale: Locale, nameInSubject = false) =>
  bookingConfirmationEmail(
    {
      practiceName: 'Praxis Nord',
      nameInSubject,
      therapistName: 'Dr. Jana Berg',
      clientName: HOSTILE_NAME,
      start: START,
      end: END,
      timeZone: 'Europe/Berlin',
      typeName: 'Erstgespräch',
      mode,
      manageUrl: 'https://praxisraum.example/manage/m-token',
      withdrawUrl: 'https://praxisraum.example/manage/m-token/withdraw',
      receiptUrl: 'https://praxisraum.example/manage/m-token/receipt',
      ...(mode === 'video' ? { callUrl: 'https://praxisraum.example/call/room-42', accessCode: '913-204' } : {}),
      ics: ics('REQUEST'),
    },
    locale,
  );

const cancelled = (reason: 'client' | 'practice' | 'withdrawal', locale: Locale, nameInSubject = false) =>
  bookingCancelledEmail(
    {
      practiceName: 'Praxis Nord',
      nameInSubject,
      clientName: HOSTILE_NAME,
      start: START,
      timeZone: 'Europe/Berlin',
      reason,
      ics: ics('CANCEL'),
    },
    locale,
  );

const reminder = (locale: Locale, callUrl?: string, nameInSubject = false) =>
  bookingReminderEmail(
    {
      practiceName: 'Praxis Nord',
      nameInSubject,
      clientName: HOSTILE_NAME,
      start: START,
      timeZone: 'Europe/Copenhagen',
      manageUrl: 'https://praxisraum.example/manage/m-token',
      ...(callUrl ? { callUrl } : {}),
    },
    locale,
  );

const notice = (event: 'booked' | 'cancelled' | 'rescheduled', locale: Locale) => {
  // Extra fields a careless caller might hand over: the template must not render them.
  const data = {
    event,
    start: START,
    timeZone: 'Europe/Berlin',
    typeName: 'Erstgespräch',
    dashboardUrl: 'https://praxisraum.example/dashboard',
    clientName: 'Erika Mustermann',
    clientEmail: CLIENT_EMAIL,
  };
  return therapistBookingNoticeEmail(data, locale);
};

const TEMPLATES: Record<string, (locale: Locale) => RenderedEmail> = {
  'booking confirmation': (locale) => confirmation('video', locale),
  'booking cancellation': (locale) => cancelled('practice', locale),
  'booking reminder': (locale) => reminder(locale),
  'therapist notice': (locale) => notice('booked', locale),
};

const SUBJECT_WORDS: Record<string, Record<Locale, RegExp>> = {
  'booking confirmation': { de: /Ihr Termin am/, da: /Din tid/, en: /Your appointment on/ },
  'booking cancellation': { de: /Termin abgesagt/, da: /Tid aflyst/, en: /Appointment cancelled/ },
  'booking reminder': { de: /Erinnerung/, da: /Påmindelse/, en: /Reminder/ },
  'therapist notice': { de: /Neue Buchung/, da: /Ny booking/, en: /New booking/ },
};

function decodeAttachment(email: RenderedEmail): { contentType: string; text: string } {
  const [attachment] = email.attachments;
  if (!attachment) throw new Error('no attachment');
  const bytes = Uint8Array.from(atob(attachment.content), (ch) => ch.charCodeAt(0));
  return { contentType: attachment.contentType, text: new TextDecoder().decode(bytes) };
}

describe.each(Object.keys(TEMPLATES))('the %s', (name) => {
  const render = TEMPLATES[name];
  if (!render) throw new Error(`no template called ${name}`);

  it.each(LOCALES)('has a subject in the reader’s language (%s)', (locale) => {
    expect(render(locale).subject).toMatch(SUBJECT_WORDS[name]?.[locale] ?? /^$/);
  });

  it.each(LOCALES)('shows the time in the practice time zone, in html and text (%s)', (locale) => {
    const email = render(locale);
    // Danish writes the time as 09.00.
    expect(email.text).toMatch(/09[:.]00/);
    expect(email.html).toMatch(/09[:.]00/);
    expect(email.text).not.toMatch(/08[:.]00/);
  });
});

describe('calendar attachments', () => {
  it.each(LOCALES)('the confirmation carries an invitation for the appointment’s uid (%s)', (locale) => {
    const email = confirmation('in_person', locale);
    expect(email.attachments).toHaveLength(1);
    expect(email.attachments[0]?.filename).toBe('appointment.ics');
    const { contentType, text } = decodeAttachment(email);
    expect(contentType).toBe('text/calendar; method=REQUEST');
    expect(text).toContain(`UID:${UID}`);
    expect(text).toContain('METHOD:REQUEST');
    // Non-ASCII survives the base64 round trip as UTF-8.
    expect(text).toContain('SUMMARY:Termin – Praxis Nord');
  });

  it.each(LOCALES)('the cancellation carries a cancel for the same uid (%s)', (locale) => {
    const { contentType, text } = decodeAttachment(cancelled('client', locale));
    expect(contentType).toBe('text/calendar; method=CANCEL');
    expect(text).toContain(`UID:${UID}`);
    expect(text).toContain('METHOD:CANCEL');
  });

  it('the reminder and the therapist notice carry no attachment', () => {
    expect(reminder('de').attachments).toEqual([]);
    expect(notice('cancelled', 'de').attachments).toEqual([]);
  });
});

describe('escaping', () => {
  it.each(LOCALES)('escapes the client name in every client email’s html (%s)', (locale) => {
    for (const email of [confirmation('video', locale), cancelled('withdrawal', locale), reminder(locale)]) {
      expect(email.html).not.toContain('<script>');
      expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(email.text).toContain(HOSTILE_NAME);
    }
  });
});

describe('the booking confirmation', () => {
  it.each(LOCALES)('gives the call link, the access code and says there is no recording for video (%s)', (locale) => {
    const email = confirmation('video', locale);
    for (const body of [email.text, email.html]) {
      expect(body).toContain('https://praxisraum.example/call/room-42');
      expect(body).toContain('913-204');
    }
    expect(email.text).toMatch({ de: /nicht aufgezeichnet/, da: /ikke optaget/, en: /not recorded/ }[locale]);
  });

  it.each(LOCALES)('mentions no call link or access code for an in-person appointment (%s)', (locale) => {
    const email = confirmation('in_person', locale);
    for (const body of [email.text, email.html]) {
      expect(body).not.toContain('/call/');
      expect(body).not.toContain('913-204');
    }
    expect(email.text).toMatch({ de: /vor Ort/, da: /fysisk/, en: /in person/ }[locale]);
  });

  it.each(LOCALES)('links to managing, one-step withdrawal under Art. 7(3) and the receipt (%s)', (locale) => {
    const email = confirmation('in_person', locale);
    for (const body of [email.text, email.html]) {
      expect(body).toContain('https://praxisraum.example/manage/m-token');
      expect(body).toContain('https://praxisraum.example/manage/m-token/withdraw');
      expect(body).toContain('https://praxisraum.example/manage/m-token/receipt');
    }
    expect(email.text).toMatch({ de: /Art\. 7 Abs\. 3 DSGVO/, da: /art\. 7, stk\. 3/, en: /Art\. 7\(3\) GDPR/ }[locale]);
  });
});

describe('the cancellation', () => {
  it.each(LOCALES)('explains each reason differently (%s)', (locale) => {
    const texts = new Set((['client', 'practice', 'withdrawal'] as const).map((reason) => cancelled(reason, locale).text));
    expect(texts.size).toBe(3);
  });
});

describe('the reminder', () => {
  it.each(LOCALES)('links to the page where reminders can be stopped (%s)', (locale) => {
    const email = reminder(locale);
    expect(email.text).toContain('https://praxisraum.example/manage/m-token');
    const stop = { de: /Erinnerungen abbestellen/, da: /framelde disse påmindelser/, en: /stop these reminders/ };
    expect(email.text).toMatch(stop[locale]);
  });

  it('includes the call link only when there is one', () => {
    expect(reminder('en', 'https://praxisraum.example/call/room-42').text).toContain('/call/room-42');
    expect(reminder('en').text).not.toContain('/call/');
  });
});

describe('the therapist notice', () => {
  it.each(LOCALES)('names neither the client nor their email address (%s)', (locale) => {
    for (const event of ['booked', 'cancelled', 'rescheduled'] as const) {
      const email = notice(event, locale);
      for (const part of [email.subject, email.text, email.html]) {
        expect(part).not.toContain('Erika');
        expect(part).not.toContain(CLIENT_EMAIL);
      }
      // The type can say what the treatment is; the dashboard has it.
      for (const part of [email.subject, email.text, email.html]) expect(part).not.toContain('Erstgespräch');
      expect(email.text).toContain('https://praxisraum.example/dashboard');
    }
  });

  it.each(LOCALES)('tells booked, cancelled and rescheduled apart (%s)', (locale) => {
    const subjects = new Set((['booked', 'cancelled', 'rescheduled'] as const).map((event) => notice(event, locale).subject));
    expect(subjects.size).toBe(3);
  });
});

describe('subjects without treatment context', () => {
  const CLIENT_EMAILS: Record<string, (locale: Locale, nameInSubject: boolean) => RenderedEmail> = {
    'booking confirmation': (locale, named) => confirmation('video', locale, named),
    'booking cancellation': (locale, named) => cancelled('practice', locale, named),
    'booking reminder': (locale, named) => reminder(locale, undefined, named),
  };

  describe.each(Object.keys(CLIENT_EMAILS))('the %s', (name) => {
    const render = CLIENT_EMAILS[name];
    if (!render) throw new Error(`no template called ${name}`);

    it.each(LOCALES)('names neither the practice nor the type in its subject by default, but gives the date (%s)', (locale) => {
      const { subject } = render(locale, false);
      expect(subject).not.toContain('Praxis Nord');
      expect(subject).not.toContain('Erstgespräch');
      expect(subject).toMatch(/24/);
    });

    it.each(LOCALES)('names the practice in its subject when the practice opted in (%s)', (locale) => {
      expect(render(locale, true).subject).toMatch(/ – Praxis Nord$/);
    });
  });

  it.each(LOCALES)('still names the practice inside the confirmation (%s)', (locale) => {
    expect(confirmation('in_person', locale).text).toContain('Praxis Nord');
  });
});

describe('calendar UIDs', () => {
  const SECRET = 'a-test-secret-of-at-least-32-characters';
  const ID = '7d1e6a52-3c1f-4a7e-9d2b-0f6f1d2a9b11';

  it('is the same for every update and cancellation of one appointment', async () => {
    expect(await calendarUid(SECRET, ID)).toBe(await calendarUid(SECRET, ID));
  });

  it('reveals nothing of the appointment id and differs per appointment, secret and purpose', async () => {
    const uid = await calendarUid(SECRET, ID);
    expect(uid).toMatch(/^[0-9a-f]{32}@praxisraum$/);
    for (const part of ID.split('-')) expect(uid).not.toContain(part);
    expect(await calendarUid(SECRET, `${ID.slice(0, -1)}2`)).not.toBe(uid);
    expect(await calendarUid(`${SECRET}-other`, ID)).not.toBe(uid);
    expect(await (await calendarUidSigner(SECRET, 'feed'))(ID)).not.toBe(uid);
  });
});
