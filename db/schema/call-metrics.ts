import { index, integer, text } from 'drizzle-orm/sqlite-core';
import { CREATED_AT, type ColumnPrivacy, privacy, privateTable, ROW_ID } from '../privacy';
import { appointments } from './appointments';
import { practices } from './practices';

// Only what billing and quality need: times and coarse figures per call. No IP addresses, no names, no content.
const METRIC: ColumnPrivacy = {
  category: 'technical',
  purpose: 'Billing and call quality: when the call ran and how well it connected',
  retention: '90 days, then deleted by the cron',
  erasure: 'delete',
};

export const callMetrics = privateTable(
  'call_metrics',
  {
    id: privacy(text('id').primaryKey(), ROW_ID),
    practiceId: privacy(text('practice_id').notNull().references(() => practices.id, { onDelete: 'cascade' }), { ...METRIC, category: 'identifier' }),
    appointmentId: privacy(text('appointment_id').notNull().unique().references(() => appointments.id, { onDelete: 'cascade' }), { ...METRIC, category: 'identifier' }),
    therapistJoinedAt: privacy(integer('therapist_joined_at'), METRIC),
    clientJoinedAt: privacy(integer('client_joined_at'), METRIC),
    connectedAt: privacy(integer('connected_at'), METRIC),
    failedAt: privacy(integer('failed_at'), METRIC),
    leftAt: privacy(integer('left_at'), METRIC),
    connectedMs: privacy(integer('connected_ms').notNull().default(0), { ...METRIC, purpose: 'Total time both peers were connected (call duration)' }),
    quality: privacy(text('quality', { mode: 'json' }).$type<{ rttMs?: number; lossPct?: number; kbps?: number; relayed?: boolean }>(), {
      ...METRIC,
      purpose: 'Coarse quality figures: round-trip time, packet loss, bitrate, whether a relay was used',
    }),
    createdAt: privacy(integer('created_at').notNull(), CREATED_AT),
  },
  (t) => [index('call_metrics_created_idx').on(t.createdAt)],
);
