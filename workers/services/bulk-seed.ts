import { and, count, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { appointmentTypes, clients, workingHours } from '../../db/schema';
import { DPA_VERSION } from '../domain/dpa';
import { newId } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { signUpConfirmed } from './accounts';
import type { Deps } from './deps';
import { findPracticeBySlug } from './practices';

/** The practice size the export is measured and tested at. */
export const BULK_SIZE = { clients: 10_000, appointments: 100_000 } as const;

/** A second local practice, beside the demo, holding BULK_SIZE rows; for `npm run bench`. */
export const BULK = { slug: 'bulk', therapistEmail: 'bulk@example.com', therapistPassword: 'bulk-therapist-pass' } as const;

const ROWS_PER_STATEMENT = 10_000;
const CREATED_AT = 1_700_000_000_000;
/** Appointments follow each other every 30 minutes from here (January 2027), 50 minutes long. */
const FIRST_START = 1_800_000_000_000;

/** Counts 0 .. count-1 in SQL, so SQLite makes the rows itself instead of receiving one statement per row. */
function series(count: number) {
  return sql.raw(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})`);
}

export type BulkRows = { practiceId: string; typeId: string; clients: number; appointments: number };

/**
 * An id written into the statement as a literal. drizzle's D1 batch cannot run a raw statement with bound parameters
 * (it looks for a prepared statement the raw query does not have), and D1 binds numbers as REAL, which would turn
 * ids into "5.0"; so these statements carry no parameters, and only ids we generated ourselves are accepted.
 */
function idLiteral(id: string) {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new Error('Not an id');
  return sql.raw(`'${id}'`);
}

/**
 * Inserts `clients` clients and `appointments` appointments (spread round-robin over the clients) into one practice,
 * set-wise, in statements of at most 10,000 rows, as one atomic batch. Ids derive from the practice id and a counter.
 * Appointments claim no slots: they are for reading (export, erasure), not for booking against.
 */
export async function insertBulkRows(db: Database, rows: BulkRows) {
  const practice = idLiteral(rows.practiceId);
  const created = sql.raw(String(CREATED_AT));
  const clientsInsert = db.run(sql`${series(rows.clients)}
    INSERT INTO clients (id, practice_id, display_name, email, active, created_at)
    SELECT ${practice} || '-c' || i, ${practice}, 'Client ' || i, 'c' || i || '@' || ${practice} || '.example', 1, ${created} FROM n`);
  const appointmentInserts = Array.from({ length: Math.ceil(rows.appointments / ROWS_PER_STATEMENT) }, (_, part) => {
    const offset = part * ROWS_PER_STATEMENT;
    const k = sql.raw(`(${offset} + i)`);
    const start = sql.raw(`${FIRST_START} + (${offset} + i) * 1800000`);
    return db.run(sql`${series(Math.min(ROWS_PER_STATEMENT, rows.appointments - offset))}
      INSERT INTO appointments (id, practice_id, client_id, type_id, start_at, end_at, status, sequence, manage_token_hash, consent_record_id, created_at)
      SELECT ${practice} || '-a' || ${k}, ${practice}, ${practice} || '-c' || (${k} % ${sql.raw(String(rows.clients))}), ${idLiteral(rows.typeId)},
             ${start}, ${start} + 3000000, 'booked', 0, ${practice} || '-h' || ${k}, 'none', ${created} FROM n`);
  });
  await db.batch([clientsInsert, ...appointmentInserts]);
}

async function createBulkPractice(deps: Deps): Promise<string> {
  const { practiceId } = await signUpConfirmed(deps, {
    practiceName: 'Praxis Bulk (Benchmark)',
    slug: BULK.slug,
    timeZone: 'Europe/Berlin',
    displayName: 'Bulk Therapeut',
    email: BULK.therapistEmail,
    password: BULK.therapistPassword,
    acceptDpa: true,
    dpaVersion: DPA_VERSION,
    locale: 'de',
  });
  const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ id: newId(), practiceId, weekday, startMinute: 8 * 60, endMinute: 20 * 60 }));
  await deps.db.insert(workingHours).values(weekdays);
  return practiceId;
}

/**
 * Creates the bulk practice with BULK_SIZE clients and appointments once; running it again changes nothing. Local
 * configuration only. Open on weekdays, so more clients can book there as the public does.
 */
export async function seedBulkPractice(deps: Deps) {
  if (!deps.config.isLocal) throw new AppError('FORBIDDEN', 'demo.benchNeverInProduction');
  const existing = await findPracticeBySlug(deps, BULK.slug);
  const practiceId = existing?.id ?? (await createBulkPractice(deps));
  const video = await deps.db.query.appointmentTypes.findFirst({
    where: and(eq(appointmentTypes.practiceId, practiceId), eq(appointmentTypes.mode, 'video')),
    columns: { id: true },
  });
  if (!video) throw new AppError('CONFLICT', 'demo.bulkNoVideoType');
  const [present] = await deps.db.select({ n: count() }).from(clients).where(eq(clients.practiceId, practiceId));
  if ((present?.n ?? 0) === 0) await insertBulkRows(deps.db, { practiceId, typeId: video.id, ...BULK_SIZE });
  return {
    practice: { slug: BULK.slug, id: practiceId },
    account: { role: 'therapist', email: BULK.therapistEmail, password: BULK.therapistPassword },
    counts: BULK_SIZE,
  };
}
