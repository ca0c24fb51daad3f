import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue } from 'axe-core';
import type { APIRequestContext, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berlinSoon, bookDemo, holdLinkFor } from './demo';
import { browserSuite } from './suite';

// Fake camera and microphone, so the call page gets past its device check as it would on a real device.
const suite = browserSuite({ media: true });

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const RUN_ONLY = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const BLOCKING: ImpactValue[] = ['serious', 'critical'];

type Violation = { id: string; impact: ImpactValue | undefined; help: string; targets: string[] };
/** What the injected script puts on the page; the tests' TypeScript has no DOM library. */
type AxeGlobal = { axe: { run(context: unknown, options: { runOnly: string[] }): Promise<AxeResults> }; document: unknown };

/**
 * A browser context for the audit. The pages' CSP (script-src with a nonce and 'strict-dynamic') rightly refuses the
 * inline script that carries axe, so bypassCSP lets the audit tool itself run. The app's own CSP is tested elsewhere:
 * the accounts, notes and call tests fail on any CSP violation in contexts without this bypass.
 */
function auditContext(locale = 'de-DE'): Promise<BrowserContext> {
  return suite.browser.newContext({ bypassCSP: true, locale, permissions: ['camera', 'microphone'] });
}

/** Runs axe over the whole page; prints the minor and moderate findings and returns the serious and critical ones. */
async function audit(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations: Violation[] = await page.evaluate(async (runOnly) => {
    const { axe, document } = globalThis as unknown as AxeGlobal;
    const results = await axe.run(document, { runOnly });
    return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, RUN_ONLY);
  const format = (v: Violation) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.join(', ')}`;
  const advisory = violations.filter((v) => !BLOCKING.includes(v.impact ?? null));
  if (advisory.length) console.log(`axe on ${new URL(page.url()).pathname}, not blocking:\n  ${advisory.map(format).join('\n  ')}`);
  return violations.filter((v) => BLOCKING.includes(v.impact ?? null)).map(format);
}

/** Opens the page (and fails if it redirected, say to the sign-in form) and audits it. */
async function auditPath(page: Page, path: string): Promise<string[]> {
  const response = await page.goto(`${suite.server.origin}${path}`);
  expect(response?.status(), path).toBe(200);
  const url = new URL(page.url());
  expect(url.pathname + url.search).toBe(path);
  return audit(page);
}

async function signIn(page: Page, email: string, password: string, landing: string) {
  await page.goto(`${suite.server.origin}/login`);
  await page.getByLabel('E-Mail').fill(email);
  await page.getByLabel('Passwort', { exact: true }).fill(password);
  await Promise.all([page.waitForURL(`**${landing}`), page.getByRole('button', { name: 'Anmelden' }).click()]);
}

async function csrfTokenOf(request: APIRequestContext): Promise<string> {
  return ((await (await request.get(`${suite.server.origin}/api/auth/session`)).json()) as { csrfToken: string }).csrfToken;
}

describe('accessibility (axe: WCAG 2.1 A and AA, best practice) of the public pages', () => {
  it.each(['/book/demo', '/book/demo?lang=da', '/book/demo?lang=en', '/book/demo/terms', '/rights?practice=demo', '/login', '/signup', '/record-of-processing'])(
    'finds nothing serious or critical on %s',
    async (path) => {
      const context = await auditContext();
      const page = await context.newPage();
      expect(await auditPath(page, path)).toEqual([]);
      await context.close();
    },
  );

  it('finds nothing serious or critical on the check-your-email, confirm, confirmation and manage pages of a booking made through the form', async () => {
    const context = await auditContext();
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}/book/demo`);
    await page.locator('input[name="start"]').first().check();
    await page.getByLabel('Ihr Name').fill('A. X.');
    await page.getByLabel('Ihre E-Mail-Adresse').fill('a11y@example.com');
    await page.getByLabel('Ich habe die Bedingungen und Datenschutzhinweise gelesen und bin einverstanden.').check();
    await Promise.all([page.waitForURL(/\/book\/demo\/sent$/), page.getByRole('button', { name: 'Termin buchen' }).click()]);
    expect(await audit(page)).toEqual([]);
    await page.goto(`${suite.server.origin}/hold/${await holdLinkFor(suite.server.origin, 'a11y@example.com')}`);
    expect(await audit(page)).toEqual([]);
    await Promise.all([page.waitForURL(/\/b\/[\w-]{43}\?booked=1$/), page.getByRole('button', { name: 'Buchung bestätigen' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('Ihr Termin ist gebucht');
    expect(await audit(page)).toEqual([]);
    const manage = new URL(page.url()).pathname;
    expect(await auditPath(page, `${manage}/reschedule`)).toEqual([]);
    await context.close();
  });

  // The server's answer to a form with errors: the browser's own checks are switched off so that the form is sent.
  it.each(['/book/demo', '/signup', '/rights?practice=demo'])('finds nothing serious or critical on %s showing field errors', async (path) => {
    const context = await auditContext();
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}${path}`);
    const form = page.locator('main form[method="post"]').first();
    await form.evaluate((element: { noValidate: boolean }) => (element.noValidate = true));
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), form.locator('button[type="submit"]').last().click()]);
    await page.waitForLoadState();
    expect(await page.getByRole('alert').count()).toBeGreaterThan(0);
    expect(await audit(page)).toEqual([]);
    await context.close();
  });

  it('finds nothing serious or critical on the sign-in form showing a wrong password', async () => {
    const context = await auditContext();
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}/login`);
    await page.getByLabel('E-Mail').fill('nobody@example.com');
    await page.getByLabel('Passwort', { exact: true }).fill('wrong password');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    expect(await audit(page)).toEqual([]);
    await context.close();
  });
});

describe('accessibility of the dashboard for the signed-in therapist, with a booked client and a video appointment today', () => {
  let context: BrowserContext;
  let page: Page;
  let clientId = '';
  let callPath = '';

  beforeAll(async () => {
    await bookDemo(suite.server.origin, 'a11y-dashboard@example.com');
    context = await auditContext();
    page = await context.newPage();
    await signIn(page, 'demo@example.com', 'demo-therapist-pass', '/dashboard');
    const clients = (await (await context.request.get(`${suite.server.origin}/api/clients?q=a11y-dashboard`)).json()) as { clients: { id: string }[] };
    clientId = clients.clients[0]?.id ?? '';
    expect(clientId, 'the booked client').not.toBe('');

    const agenda = await (await context.request.get(`${suite.server.origin}/dashboard/appointments`)).text();
    const typeId = /<option value="([^"]+)"[^>]*>[^<]*video[^<]*<\/option>/i.exec(agenda)?.[1];
    expect(typeId, 'the demo video type').toBeTruthy();
    const created = await context.request.post(`${suite.server.origin}/dashboard/appointments`, {
      form: { clientId, typeId: typeId ?? '', ...berlinSoon(5), _csrf: await csrfTokenOf(context.request) },
    });
    const callUrl = /data-testid="invite"[\s\S]*?<code>([^<]+)<\/code>/.exec(await created.text())?.[1] ?? '';
    expect(callUrl, 'the call link in the invite').toMatch(/\/call\/[^/]+$/);
    callPath = new URL(callUrl).pathname;
  });
  afterAll(() => context?.close());

  it.each([
    '/dashboard',
    '/dashboard/appointments',
    '/dashboard/clients',
    '/dashboard/clients/:id',
    '/dashboard/clients/:id/notes',
    '/dashboard/settings',
    '/dashboard/export',
    '/dashboard/calendar-feed',
    '/dashboard/audit',
    '/dashboard/requests',
    '/dashboard/delete-account',
    '/account/security',
  ])(
    'finds nothing serious or critical on %s',
    async (path) => {
      expect(await auditPath(page, path.replace(':id', clientId))).toEqual([]);
    },
  );

  // The call page as its script leaves it once the network is quiet (join form for the client, device check for the
  // therapist); without the script it is the server-rendered page, which is audited as well.
  it.each(['therapist', 'client'])('finds nothing serious or critical on the call page as the %s', async (role) => {
    const callPage = role === 'therapist' ? page : await (await auditContext()).newPage();
    await callPage.goto(`${suite.server.origin}${callPath}`, { waitUntil: 'networkidle' });
    console.log(`call page as the ${role}: state ${await callPage.locator('#call-app').getAttribute('data-state')}`);
    expect(await audit(callPage)).toEqual([]);
    if (callPage !== page) await callPage.context().close();
  });

  it('finds nothing serious or critical on the page that shows a new access code once', async () => {
    await page.goto(`${suite.server.origin}/dashboard/appointments`);
    await page.locator('form[action$="/access-code"] button').first().click();
    await page.waitForSelector('#new-access-code');
    expect(await audit(page)).toEqual([]);
  });
});

describe('accessibility of the DPO console, with a rights request and an incident on file', () => {
  let context: BrowserContext;
  let page: Page;
  let incidentId = '';
  let requestId = '';

  beforeAll(async () => {
    await bookDemo(suite.server.origin, 'a11y-rights@example.com');
    const request = await fetch(`${suite.server.origin}/api/rights/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ practice: 'demo', types: ['access'], email: 'a11y-rights@example.com' }),
    });
    expect(request.status).toBe(202);

    context = await auditContext();
    page = await context.newPage();
    await signIn(page, 'dpo@example.com', 'demo-dpo-pass', '/dpo');
    const incident = await context.request.post(`${suite.server.origin}/dpo/incidents`, {
      maxRedirects: 0,
      form: {
        _csrf: await csrfTokenOf(context.request),
        awareAt: new Date().toISOString().slice(0, 16),
        nature: 'A lost laptop with an exported appointment list',
        dataCategories: 'contact',
        subjectCategories: 'clients',
        approxSubjects: 3,
        approxRecords: 3,
        consequences: 'Clients could be contacted by strangers',
        measures: 'Disk encryption confirmed; remote wipe issued',
        contact: 'dpo@example.com',
        scope: 'all',
      },
    });
    expect(incident.status()).toBe(303);
    incidentId = /\/dpo\/incidents\/([^/?]+)/.exec(incident.headers().location ?? '')?.[1] ?? '';
    const queue = await (await context.request.get(`${suite.server.origin}/dpo/requests`)).text();
    requestId = /href="\/dpo\/requests\/([^"/?]+)"/.exec(queue)?.[1] ?? '';
    expect(requestId, 'the request in the queue').not.toBe('');
  });
  afterAll(() => context?.close());

  it.each(['/dpo', '/dpo/requests', '/dpo/requests/:request', '/dpo/incidents', '/dpo/incidents/new', '/dpo/incidents/:incident'])(
    'finds nothing serious or critical on %s',
    async (path) => {
      expect(await auditPath(page, path.replace(':request', requestId).replace(':incident', incidentId))).toEqual([]);
    },
  );
});
