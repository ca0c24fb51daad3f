import type { Context } from 'hono';
import type { HonoEnv } from './hono-env';

/**
 * Runs `work` after the response, so an answer that must not reveal whether an address is known also takes the same
 * time either way. A failure is logged without personal data and never reaches the person who asked.
 */
export async function afterResponse(c: Context<HonoEnv>, work: () => Promise<void>) {
  const guarded = work().catch((error: unknown) => {
    console.error('Deferred work failed:', error instanceof Error ? error.name : 'unknown error');
  });
  try {
    c.executionCtx.waitUntil(guarded);
  } catch {
    await guarded; // no execution context (a plain app.fetch): run in line
  }
}
