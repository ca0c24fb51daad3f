import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { SQLiteTable, text } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { columnPrivacySchema, privacy, privacyOf, privateTable, ROW_ID } from '../../db/privacy';

const tables: SQLiteTable[] = Object.values(schema).filter((value: unknown) => is(value, SQLiteTable));

function tableName(table: SQLiteTable): string {
  return getTableName(table);
}

describe('privacy annotations', () => {
  it('finds every table of the schema', () => {
    expect(tables.map(tableName).sort()).toEqual(
      [
        'appointment_slots',
        'appointment_types',
        'appointments',
        'audit_events',
        'availability_exceptions',
        'booking_hold_gates',
        'booking_holds',
        'calendar_feeds',
        'call_metrics',
        'client_booking_windows',
        'clients',
        'consent_records',
        'dpa_acceptances',
        'email_confirmations',
        'download_links',
        'incident_notices',
        'incident_updates',
        'incidents',
        'note_keys',
        'outbox_messages',
        'password_resets',
        'practice_booking_windows',
        'practices',
        'recovery_codes',
        'rights_request_events',
        'rights_requests',
        'session_notes',
        'sign_in_throttles',
        'sessions',
        'terms_versions',
        'users',
        'working_hours',
      ].sort(),
    );
  });

  it.each(tables.map((t) => [tableName(t), t] as const))('annotates every column of %s with category, purpose, retention and erasure', (name, table) => {
    const annotations = privacyOf(name);
    expect(annotations, `${name} was not defined with privateTable()`).toBeDefined();
    for (const key of Object.keys(getTableColumns(table))) {
      const annotation = annotations?.[key];
      expect(annotation, `${name}.${key} has no privacy annotation`).toBeDefined();
      expect(columnPrivacySchema.safeParse(annotation).success, `${name}.${key} has an invalid annotation`).toBe(true);
    }
  });

  it('refuses to define a table with an unannotated column', () => {
    expect(() => privateTable('careless', { id: privacy(text('id').primaryKey(), ROW_ID), secret: text('secret') })).toThrow(
      /careless\.secret has no privacy annotation/,
    );
  });

  it('never exports credentials', () => {
    for (const table of tables) {
      for (const [key, annotation] of Object.entries(privacyOf(tableName(table)) ?? {})) {
        if (annotation.category === 'credential') expect(annotation.exported, `${tableName(table)}.${key}`).toBe(false);
      }
    }
  });
});
