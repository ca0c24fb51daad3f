import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../workers/app';
import { Client, countRows, request, signUpInput, signUpTherapist } from './harness';

/** A body the runtime sends chunked: a stream has no length to declare. */
function chunkedBody(text: string, chunkSize = 8 * 1024): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

function expectClientError(response: Response) {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
}

describe('bad input gives a clear 4xx, never a 500', () => {
  it('answers a JSON body sent without a Content-Type with 415', async () => {
    const therapist = await signUpTherapist();
    const body = new TextEncoder().encode(JSON.stringify({ email: therapist.email, password: therapist.password }));
    const response = await request('/api/auth/login', { method: 'POST', body });
    expect(response.headers.get('content-type') ?? '').toContain('application/json');
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('answers a signed-in JSON write without a Content-Type with 415 and changes nothing', async () => {
    const therapist = await signUpTherapist();
    const before = await countRows('sessions');
    const response = await therapist.client.fetch('/api/auth/logout', {
      method: 'POST',
      headers: { 'x-csrf-token': therapist.client.csrfToken ?? '' },
      body: new TextEncoder().encode('{}'),
    });
    expect(response.status).toBe(415);
    expect(await countRows('sessions')).toBe(before);
  });

  it.each(['/dashboard\n', '/dashboard\r\nSet-Cookie: x=1', '/\t/evil.example', '/dashboard%0d%0a', '/\u0000'])(
    'signs in and ignores an unsafe next %j instead of failing',
    async (next) => {
      const therapist = await signUpTherapist();
      const response = await new Client().form('/login', { email: therapist.email, password: therapist.password, next });
      expect(response.status).toBe(303);
      const location = response.headers.get('location') ?? '';
      expect(location.startsWith('/')).toBe(true);
      expect(location).not.toMatch(/[\r\n\t\0]|evil/);
      expect(response.headers.getSetCookie().some((line) => line.startsWith('x='))).toBe(false);
    },
  );

  it('renders the login page with a newline in next', async () => {
    const response = await request('/login?next=%2Fdashboard%0A');
    expect(response.status).toBe(200);
  });

  it('refuses a chunked form body over the limit with 413, several times in a row', async () => {
    const before = await countRows('users');
    for (let attempt = 0; attempt < 3; attempt++) {
      const body = chunkedBody(`email=a%40example.com&password=${'x'.repeat(200 * 1024)}`);
      const response = await request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, duplex: 'half' } as RequestInit);
      expect(response.status).toBe(413);
    }
    expect(await countRows('users')).toBe(before);
    expect((await request('/api/health')).status).toBe(200);
  });

  it('refuses a chunked JSON body over the limit with 413 and the one error shape', async () => {
    const body = chunkedBody(JSON.stringify({ ...signUpInput(), practiceName: 'x'.repeat(MAX_BODY_BYTES) }));
    const response = await request('/api/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('still reads a chunked body within the limit', async () => {
    const therapist = await signUpTherapist();
    const body = chunkedBody(JSON.stringify({ email: therapist.email, password: therapist.password }), 7);
    const response = await request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(200);
  });

  it('reads a chunked body of exactly the limit and answers it without a 413', async () => {
    const body = chunkedBody(`email=${'a'.repeat(MAX_BODY_BYTES - 6)}`);
    const response = await request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, duplex: 'half' } as RequestInit);
    expectClientError(response);
    expect(response.status).not.toBe(413);
  });
});

describe('language links', () => {
  const offSitePaths = [
    '//evil.example/x',
    '/\\evil.example/x',
    '///evil.example/x',
    '/\\/evil.example/x',
    '/%2F%2Fevil.example/x',
    '/%2f/evil.example',
    '/%5Cevil.example/x',
    '/%5C%5Cevil.example',
    '/book/%2F%2Fevil.example',
  ];

  it.each(offSitePaths)('stay on site on the error page for %s', async (path) => {
    const response = await request(path, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(404);
    const html = await response.text();
    const hrefs = [...html.matchAll(/<a href="([^"]*)" hreflang="[a-z]{2}"/g)].map((match) => match[1] ?? '');
    expect(hrefs).toHaveLength(3);
    for (const href of hrefs) {
      const target = new URL(href.replaceAll('&amp;', '&'), new URL(`http://127.0.0.1:8787${path}`));
      expect(target.origin).toBe('http://127.0.0.1:8787');
      expect(href).not.toMatch(/evil|^\/\/|\\/i);
    }
  });

  it('switches the language of the page they are on', async () => {
    const html = await (await request('/login')).text();
    expect(html).toContain('href="?lang=da"');
  });
});

describe('cross-site requests without a session', () => {
  it('refuses a form post with "Origin: null" and no Fetch Metadata (login CSRF) and signs nobody in', async () => {
    const therapist = await signUpTherapist();
    const before = await countRows('sessions');
    const response = await request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
      body: new URLSearchParams({ email: therapist.email, password: therapist.password }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await countRows('sessions')).toBe(before);
  });

  it('refuses a JSON post with "Origin: null" and no Fetch Metadata', async () => {
    const therapist = await signUpTherapist();
    const response = await request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'null' },
      body: JSON.stringify({ email: therapist.email, password: therapist.password }),
    });
    expect(response.status).toBe(403);
  });

  it('accepts "Origin: null" from a browser that says the post is same-origin (our forms under no-referrer)', async () => {
    const therapist = await signUpTherapist();
    const response = await request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ email: therapist.email, password: therapist.password }),
    });
    expect(response.status).toBe(303);
  });

  it('keeps API clients that send neither Origin nor Fetch Metadata working', async () => {
    const therapist = await signUpTherapist();
    const response = await request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: therapist.email, password: therapist.password }),
    });
    expect(response.status).toBe(200);
  });
});
