import { describe, expect, it } from 'vitest';
import { lintFile, MAX_LINES } from '../../scripts/lint-rules';

const rulesOf = (path: string, text: string) => lintFile(path, text).map((finding) => `${finding.line}: ${finding.rule}`);

describe('house rules of npm run lint', () => {
  it.each([
    ['workers/services/x.ts', 'const body: any = await c.req.json();', '1: no any'],
    ['web/pages/x.tsx', 'const value = input as any;', '1: no any'],
    ['db/schema/x.ts', 'export default table;', '1: no default export outside workers/index.ts'],
    ['emails/x.ts', '  console.log(message);', '1: no console.log in app code'],
    ['db/schema/x.ts', "export const x = sqliteTable('x', {});", '1: tables through privateTable()'],
    ['workers/lib/x.ts', "const ip = c.req.header('cf-connecting-ip');", '1: no client address or user agent read'],
    ['workers/lib/x.ts', "const agent = c.req.header('user-agent');", '1: no client address or user agent read'],
  ])('flags %s: %s', (path, text, finding) => {
    expect(rulesOf(path, text)).toEqual([finding]);
  });

  it.each([
    ['workers/index.ts', 'export default { fetch };'],
    ['workers/routes/access.ts', ' *  - signed-in: any account (therapist or DPO)'],
    ['workers/lib/x.ts', "console.error('email delivery failed');"],
    ['workers/lib/x.ts', 'const company = { many: 1 };'],
    ['tests/integration/x.test.ts', "headers.set('x-forwarded-for', '203.0.113.1'); console.log(x);"],
    ['workers/worker-configuration.d.ts', 'declare const x: any;'],
  ])('lets %s pass: %s', (path, text) => {
    expect(rulesOf(path, text)).toEqual([]);
  });

  it('flags a file over the line limit at its last line', () => {
    expect(rulesOf('web/pages/x.tsx', 'x\n'.repeat(MAX_LINES + 1))).toEqual([`${MAX_LINES + 2}: at most ${MAX_LINES} lines`]);
  });
});
