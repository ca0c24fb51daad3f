import { env } from 'cloudflare:workers';
import { it } from 'vitest';
it('probe', async () => {
  for (const q of ['PRAGMA secure_delete', 'PRAGMA secure_delete = ON', 'PRAGMA secure_delete = FAST', 'PRAGMA journal_mode', 'PRAGMA compile_options', 'VACUUM', 'PRAGMA wal_checkpoint(TRUNCATE)']) {
    try { const r = await env.DB.prepare(q).all(); console.log(q, JSON.stringify(r.results).slice(0, 3000)); } catch (e) { console.log(q, 'ERR', String(e).slice(0, 200)); }
  }
});
