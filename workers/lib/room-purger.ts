import type { RoomPurger } from '../services/erasure';
import type { AppConfig } from './config';
import { roomNamespace } from './rooms';

/**
 * Empties one call room (Art. 17 GDPR erasure) through the room itself, since only the Durable Object can touch its
 * storage: `DELETE https://room/storage`, which the room answers with 204 after deleting its storage and alarm.
 * Anything else is a failure, so the erasure stops before changing the database and can be repeated.
 */
export function roomPurger(env: Pick<Env, 'CALL_ROOM'>, config: Pick<AppConfig, 'DO_JURISDICTION'>): RoomPurger {
  const namespace = roomNamespace(env.CALL_ROOM, config);
  return {
    async purge(appointmentId) {
      const room = namespace.get(namespace.idFromName(appointmentId));
      const response = await room.fetch('https://room/storage', { method: 'DELETE' });
      if (response.status !== 204) throw new Error(`The call room did not confirm the purge (${response.status})`);
    },
  };
}
