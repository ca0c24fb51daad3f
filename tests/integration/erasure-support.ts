import { env } from 'cloudflare:workers';

/** Rows an erasure test writes directly: what bookings alone do not create (notes, metrics, verified requests). */

const DAY = 86_400_000;

type Slot = { start: string; typeId: string };

/** The first slot of the n-th day that has one, so that appointments of a test never overlap. */
export function slotOnDay(slots: Slot[], n: number): string {
  const days = [...new Set(slots.map((slot) => slot.start.slice(0, 10)))];
  const start = slots.find((slot) => slot.start.startsWith(days[n] ?? 'none'))?.start;
  if (!start) throw new Error(`no free slot on day ${n}`);
  return start;
}

export async function idsOf(sql: string, ...values: string[]): Promise<string[]> {
  return (await env.DB.prepare(sql).bind(...values).all<{ id: string }>()).results.map((row) => row.id);
}

export async function insertRightsRequest(practiceId: string, clientId: string | null, email: string, details: string) {
  const id = crypto.randomUUID();
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      'INSERT INTO rights_requests (id, practice_id, client_id, types, email, details, locale, status, received_at, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).bind(id, practiceId, clientId, '["erasure","access"]', email, details, 'de', 'verified', now, now + 30 * DAY, now),
    env.DB.prepare('INSERT INTO rights_request_events (id, request_id, at, actor, action, note) VALUES (?, ?, ?, ?, ?, ?)').bind(
      crypto.randomUUID(),
      id,
      now,
      'dpo',
      'verified',
      `${details} (checked by phone)`,
    ),
  ]);
  return id;
}

export function insertNote(practiceId: string, clientId: string, appointmentId: string | null, createdAt: number) {
  return env.DB.prepare('INSERT INTO session_notes (id, practice_id, client_id, appointment_id, key_id, iv, ciphertext, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(crypto.randomUUID(), practiceId, clientId, appointmentId, 'key-1', 'aXY=', 'Y2lwaGVy', createdAt)
    .run();
}

export function insertCallMetrics(practiceId: string, appointmentId: string) {
  return env.DB.prepare('INSERT INTO call_metrics (id, practice_id, appointment_id, connected_ms, created_at) VALUES (?, ?, ?, ?, ?)')
    .bind(crypto.randomUUID(), practiceId, appointmentId, 2_700_000, Date.now())
    .run();
}
