import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from './server';

let server: LocalServer | undefined;
beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(async () => {
  await server?.stop();
});

/** Posts `size` bytes of form data with Transfer-Encoding: chunked (no Content-Length), as a raw HTTP client would. */
function postChunked(origin: string, path: string, size: number, headers: Record<string, string> = {}): Promise<number | string> {
  const url = new URL(path, origin);
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (error) => resolve(`error: ${error.message}`));
    const chunk = Buffer.from(`a=${'x'.repeat(8 * 1024 - 2)}`);
    let sent = 0;
    const write = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('wrangler dev under oversized chunked bodies', () => {
  it('answers a chunked form body of 200 KiB and more with 413, five times, and still answers afterwards', async () => {
    const origin = server?.origin ?? '';
    for (const size of [200 * 1024, 256 * 1024, 512 * 1024, 2 * 1024 * 1024, 210 * 1024]) {
      expect(await postChunked(origin, '/login', size)).toBe(413);
      expect((await fetch(`${origin}/api/health`)).status).toBe(200);
    }
    expect(await postChunked(origin, '/book/demo', 300 * 1024, { 'sec-fetch-site': 'same-origin' })).toBe(413);
    const page = await fetch(`${origin}/login`);
    expect(page.status).toBe(200);
  });
});
