import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../workers/domain/locale';
import { recordOfProcessing } from '../../workers/services/record-of-processing';
import { RECORD_TEXTS } from '../../web/i18n/incidents';
import { retentionTexts, tablePurposeTexts } from '../../web/i18n/record-tables';
import { NODE_TEST_CONFIG } from './node-config';

// The record of processing is generated from the schema; its words in German and Danish are written by hand. These
// tests fail when the schema gains a table or a retention period the translations do not cover yet.

const record = recordOfProcessing({ ...NODE_TEST_CONFIG, ICE_STUN_URLS: 'stun:stun.example.com:3478' });

describe('record of processing in every language', () => {
  it('has a purpose for every table of the schema, and none for a table that does not exist', () => {
    expect(Object.keys(tablePurposeTexts.texts.en).sort()).toEqual(record.tables.map((t) => t.table).sort());
  });

  it('translates every retention period the annotations name', () => {
    const periods = [...new Set(record.tables.flatMap((t) => t.retention))];
    for (const locale of LOCALES) expect(periods.filter((period) => !(period in retentionTexts.texts[locale])), locale).toEqual([]);
  });

  it('translates every subject, recipient, measure and the transfers into German and Danish', () => {
    const keys = [
      ...record.subjectCategories.map((s) => `subject:${s.id}`),
      ...record.recipients.map((r) => `recipient:${r.id}`),
      ...record.securityMeasures.map((m) => `measure:${m.id}`),
      'transfers',
      `jurisdiction:${record.configuration.durableObjectJurisdiction}`,
      `email:${record.configuration.email}`,
    ];
    for (const locale of ['de', 'da'] as const) expect(keys.filter((key) => !RECORD_TEXTS[locale][key]), locale).toEqual([]);
  });
});
