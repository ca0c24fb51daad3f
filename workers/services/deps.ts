import type { Database } from '../../db/client';
import type { AppConfig } from '../lib/config';
import type { Mailer } from './mailer';
import type { PasswordHasher } from './passwords';

/** Who takes a seat in a call room, as the Worker verified it from the join token; the room trusts only this. */
export type RoomSeat = {
  role: 'therapist' | 'client';
  participant: string;
  displayName: string;
  closesAt: number;
  joinId: string;
  browserKey?: string | undefined;
};

/**
 * The call rooms (one Durable Object per video appointment), reached only through this gateway so that every
 * deletion path holds it: erasure cannot be written without emptying the rooms (Art. 17 GDPR covers every copy).
 */
export type CallRooms = {
  /** Hands a verified WebSocket upgrade to the appointment's room and returns the room's answer (101 or a refusal). */
  connect(appointmentId: string, seat: RoomSeat): Promise<Response>;
  /** Ends any call in the room and deletes its storage and alarm; rejects when the room could not do so. */
  purge(appointmentId: string): Promise<void>;
};

/** What every service needs, built once per request (or once per test) and passed explicitly. */
export type Deps = {
  db: Database;
  mailer: Mailer;
  passwords: PasswordHasher;
  callRooms: CallRooms;
  config: AppConfig;
  now: () => number;
};
