/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { CALL_STYLESHEET } from '../../web/client/call-styles';
import { STYLESHEET } from '../../web/styles';
import { STATIC_CACHE_CONTROL } from '../../workers/routes/static';
import { request } from './harness';

// What `npm run build` (scripts/build-client.ts) wrote to build/static/, read as text by the test's bundler: the served
// files must be exactly these, no more and no fewer. Vitest empties CSS imports, so the stylesheets, which the build
// copies from their modules unchanged, are compared with those modules.
const built = import.meta.glob<string>('../../build/static/*', { query: '?raw', import: 'default', eager: true });
const BUILT: Record<string, string> = {
  ...Object.fromEntries(Object.entries(built).map(([path, text]) => [path.slice(path.lastIndexOf('/') + 1), text])),
  'app.css': STYLESHEET,
  'call.css': CALL_STYLESHEET,
};

async function sha256Tag(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  const base64 = btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `"${base64.slice(0, 27)}"`;
}

describe('GET /static/:file', () => {
  it('serves every file the build produced, byte for byte, the pages link', () => {
    expect(Object.keys(built).map((path) => path.slice(path.lastIndexOf('/') + 1)).sort()).toEqual(['app.css', 'call.css', 'call.js', 'copy.js', 'export.js', 'notes.js']);
  });

  it.each(Object.keys(BUILT))('serves %s as the build wrote it, with its content hash and the one cache rule', async (name) => {
    const response = await request(`/static/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe(STATIC_CACHE_CONTROL);
    expect(STATIC_CACHE_CONTROL).toBe('no-cache');
    expect(response.headers.get('etag')).toBe(await sha256Tag(BUILT[name] ?? ''));
    expect(await response.text()).toBe(BUILT[name]);
  });

  it('answers a revalidation of the current version with 304 and no body', async () => {
    const etag = (await request('/static/call.js')).headers.get('etag') ?? '';
    const again = await request('/static/call.js', { headers: { 'if-none-match': `"stale", ${etag}` } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const stale = await request('/static/call.js', { headers: { 'if-none-match': '"stale"' } });
    expect(stale.status).toBe(200);
  });

  it('knows no other names: unknown files, source modules and prototype keys are 404', async () => {
    for (const name of ['nope.js', 'call.ts', 'call-room.js', 'constructor', '__proto__', 'hasOwnProperty', '..%2Fwrangler.toml']) {
      const response = await request(`/static/${name}`);
      expect(response.status, name).toBe(404);
    }
  });

  it('bundles the room protocol into call.js: messages are parsed with the zod schemas the room uses', () => {
    const source = BUILT['call.js'] ?? '';
    expect(source).toContain('workers/rooms/protocol.ts');
    expect(source).toContain('roomMessage.safeParse(');
    // The hand-written checks with copied limits are gone.
    expect(source).not.toContain('ROOM_TYPES');
    expect(source).not.toContain('isGeneration');
  });
});
