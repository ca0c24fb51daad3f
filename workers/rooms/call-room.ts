import { DurableObject } from 'cloudflare:workers';

/**
 * One object per video appointment, relaying signaling only. The signaling protocol, waiting room and admission
 * arrive with the video-consultation issue; until then the room answers that it is not open.
 */
export class CallRoom extends DurableObject<Env> {
  override async fetch(): Promise<Response> {
    return Response.json({ error: { code: 'NOT_FOUND', message: 'Video rooms are not open yet' } }, { status: 404 });
  }
}
