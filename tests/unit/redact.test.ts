import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../workers/lib/redact';

const TOKEN = 'Qw3rTy-uI0p_AsDfGhJkL1234567890zXcVbNm-_q9';

describe('redacting secrets from what we log', () => {
  it.each([
    [`GET /b/${TOKEN} 200 OK (12ms)`, 'GET /b/[redacted] 200 OK (12ms)'],
    [`POST /b/${TOKEN}/cancel 303 See Other`, 'POST /b/[redacted]/cancel 303 See Other'],
    [`GET /b/${TOKEN}/receipt.json`, 'GET /b/[redacted]/receipt.json'],
    [`GET /calendar/${TOKEN}.ics 200`, 'GET /calendar/[redacted] 200'],
    [`GET /rights/verify/${TOKEN}`, 'GET /rights/verify/[redacted]'],
    [`POST /rights/download/${TOKEN}?format=json`, 'POST /rights/download/[redacted]?format=json'],
    [`GET /reset-password?token=${TOKEN} 200`, 'GET /reset-password?token=[redacted] 200'],
    [`GET /api/calls/abc/ws?token=${TOKEN}&x=1`, 'GET /api/calls/abc/ws?token=[redacted]&x=1'],
    [`https://praxisraum.example/b/${TOKEN}/withdraw`, 'https://praxisraum.example/b/[redacted]/withdraw'],
    [`GET /call/abc?Code=ABC-DEF-GHJ`, 'GET /call/abc?Code=[redacted]'],
  ])('%s', (line, expected) => {
    expect(redactSecrets(line)).toBe(expected);
    expect(redactSecrets(line)).not.toContain(TOKEN);
  });

  it('leaves lines without secrets alone', () => {
    for (const line of ['GET /book/demo 200 OK', 'POST /api/p/demo/bookings 201', 'GET /dashboard/settings?saved=profile']) {
      expect(redactSecrets(line)).toBe(line);
    }
  });
});
