import type { Locale } from '../../workers/domain/locale';
import { appointmentStatusTexts, consentPurposeTexts } from './appointments';
import { auditActionTexts } from './audit';
import { bookingMessages } from './booking';
import { callMessages } from './call';
import { accessCodeMessages } from './call-code';
import { dashboardMessages } from './dashboard';
import { toolMessages } from './dashboard-tools';
import { errorCatalogues } from './errors';
import { DATA_CATEGORY_LABELS, incidentsMessages, SUBJECT_CATEGORY_LABELS } from './incidents';
import { messages } from './index';
import { notesMessages } from './notes';
import { erasureTexts, retentionTexts, tablePurposeTexts } from './record-tables';
import { rightsMessages, rightsStatusTexts, rightsTypeTexts, trailActionTexts, trailActorTexts } from './rights';
import { settingsMessages } from './settings';

/** A text, or a function of its parameters (the error catalogue's texts that take some). */
export type CatalogueText = string | ((params: never) => string);
type AnyTexts = Readonly<Record<Locale, Readonly<Record<string, CatalogueText>>>>;

/**
 * Every catalogue of the interface by name, so tests/unit/catalogues.test.ts can walk each key in each language.
 * A catalogue added without an entry here escapes that test: add it here when you add it.
 */
export const CATALOGUES: Readonly<Record<string, AnyTexts>> = {
  common: messages.texts,
  booking: bookingMessages.texts,
  call: callMessages.texts,
  'call-code': accessCodeMessages.texts,
  dashboard: dashboardMessages.texts,
  'dashboard-tools': toolMessages.texts,
  incidents: incidentsMessages.texts,
  'breach-data-categories': DATA_CATEGORY_LABELS,
  'breach-subject-categories': SUBJECT_CATEGORY_LABELS,
  notes: notesMessages.texts,
  rights: rightsMessages.texts,
  'rights-types': rightsTypeTexts.texts,
  'rights-statuses': rightsStatusTexts.texts,
  'rights-trail-actors': trailActorTexts.texts,
  'rights-trail-actions': trailActionTexts.texts,
  settings: settingsMessages.texts,
  'appointment-statuses': appointmentStatusTexts.texts,
  'consent-purposes': consentPurposeTexts.texts,
  'audit-actions': auditActionTexts.texts,
  'record-table-purposes': tablePurposeTexts.texts,
  'record-retention': retentionTexts.texts,
  'record-erasure': erasureTexts.texts,
  errors: errorCatalogues,
};
