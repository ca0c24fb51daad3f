import type { ConsentPurpose } from '../../workers/domain/consent-chain';
import type { Locale } from '../../workers/domain/locale';
import { defineMessages, type Texts } from './define';

/** The stored values of appointments.status (db/schema/appointments.ts). */
export type AppointmentStatus = 'booked' | 'cancelled' | 'completed' | 'no_show';

// One wording of each status and purpose for every page that shows one (agenda, client page, manage page), so the
// therapist and the client read the same word for the same state.

const statusEn: Texts<AppointmentStatus> = { booked: 'Booked', cancelled: 'Cancelled', completed: 'Took place', no_show: 'Missed' };

export const appointmentStatusTexts = defineMessages(statusEn, {
  de: { booked: 'Gebucht', cancelled: 'Abgesagt', completed: 'Stattgefunden', no_show: 'Nicht wahrgenommen' },
  da: { booked: 'Booket', cancelled: 'Aflyst', completed: 'Afholdt', no_show: 'Udeblevet' },
});

const purposeEn: Texts<ConsentPurpose> = { booking: 'Booking and holding appointments', reminders: 'Email reminders' };

export const consentPurposeTexts = defineMessages(purposeEn, {
  de: { booking: 'Buchung und Durchführung von Terminen', reminders: 'Erinnerungen per E-Mail' },
  da: { booking: 'Booking og afholdelse af tider', reminders: 'Påmindelser pr. e-mail' },
});

export function appointmentStatusLabel(locale: Locale, status: AppointmentStatus): string {
  return appointmentStatusTexts(locale)[status];
}

/** A purpose as words; a purpose an older record names and this version no longer knows is shown as it is. */
export function consentPurposeLabel(locale: Locale, purpose: string): string {
  const texts: Readonly<Record<string, string>> = consentPurposeTexts(locale);
  return texts[purpose] ?? purpose;
}
