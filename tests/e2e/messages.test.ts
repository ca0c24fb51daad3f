import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { errorCatalogues, type ErrorKey } from '../../web/i18n/errors';
import { browserSuite } from './suite';

// Every refusal of the booking form, sign-in, sign-up, settings and the rights portal, sent from a browser without
// JavaScript on a German and a Danish page: what the page says must be in that language, without field names.

const suite = browserSuite();

/** Any parameter a text asks for, so every text of the catalogue can be read. */
const anyParams = new Proxy({}, { get: () => '' });
const wordsOf = (text: string) => text.toLowerCase().match(/\p{L}{3,}/gu) ?? [];

function catalogueWords(locale: 'en' | 'de' | 'da'): Set<string> {
  const words = new Set<string>();
  for (const key of Object.keys(errorCatalogues.en) as ErrorKey[]) {
    const entry: string | ((p: never) => string) = errorCatalogues[locale][key];
    for (const word of wordsOf(typeof entry === 'string' ? entry : entry(anyParams as never))) words.add(word);
  }
  return words;
}

/** Words only the English error texts use ("enter", "choose", "invalid", "wrong" …); none may reach a German or Danish page. */
const ENGLISH_ONLY = (() => {
  const other = new Set([...catalogueWords('de'), ...catalogueWords('da')]);
  return new Set([...catalogueWords('en')].filter((word) => !other.has(word)));
})();

const LANGUAGES = [
  { lang: 'de', locale: 'de-DE', checkEntries: 'Bitte prüfen Sie Ihre Angaben', unknownPractice: 'xyz-qqq' },
  { lang: 'da', locale: 'da-DK', checkEntries: 'Kontrollér venligst dine oplysninger', unknownPractice: 'xyz-qqq' },
] as const;

/** The alert and the field errors a refused form shows. */
async function refusalTexts(page: Page): Promise<string[]> {
  const texts = await page.locator('main [role="alert"], main .field-error').allTextContents();
  return texts.map((text) => text.trim()).filter(Boolean);
}

/** Submits a form the way a browser does, past its own checks (required, type=email), so the server decides. */
async function submit(page: Page, form: string) {
  const target = page.locator(form);
  await target.evaluate((element) => element.setAttribute('novalidate', ''));
  await Promise.all([page.waitForEvent('load'), target.locator('button[type="submit"], button:not([type])').first().click()]);
}

/** Checks one refusal: something is said, in the page's language, with no internal field name and no English word. */
async function expectLocalRefusal(page: Page, what: string, expected?: string) {
  const texts = await refusalTexts(page);
  expect(texts.length, `${what}: a refusal is shown`).toBeGreaterThan(0);
  const names = await page.locator('main form [name]').evaluateAll((elements) => elements.map((element) => element.getAttribute('name') ?? ''));
  const internal = names.filter((name) => /[A-Z0-9_]/.test(name));
  const said = texts.join(' | ');
  for (const name of internal) expect(said, `${what}: field name ${name}`).not.toMatch(new RegExp(`\\b${name}\\b`));
  for (const name of names) expect(said, `${what}: "${name}:"`).not.toContain(`${name}:`);
  const english = wordsOf(said).filter((word) => ENGLISH_ONLY.has(word));
  expect(english, `${what}: English words in "${said}"`).toEqual([]);
  if (expected) expect(said, what).toContain(expected);
}

describe.each(LANGUAGES)('refusals on a $lang page without JavaScript', ({ lang, locale, checkEntries, unknownPractice }) => {
  it('says every refusal of the public booking form in the page’s language', async () => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false, locale });
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}/book/demo`);
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'empty booking form', checkEntries);

    await page.locator('input[name="start"]').nth(lang === 'de' ? 1 : 3).check();
    await page.locator('input[name="name"]').fill('   ');
    await page.locator('input[name="email"]').fill('kein-gueltiger-wert');
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'booking with a blank name, a bad address and no consent', checkEntries);

    // Two people with the page open choose the same time; the second is told it was taken.
    const other = await context.newPage();
    for (const tab of [other, page]) {
      await tab.goto(`${suite.server.origin}/book/demo`);
      await tab.locator('input[name="start"]').nth(lang === 'de' ? 5 : 7).check();
      await tab.locator('input[name="name"]').fill('K. M.');
      await tab.locator('input[name="acceptTerms"]').check();
    }
    await other.locator('input[name="email"]').fill(`erste-${lang}@example.com`);
    await page.locator('input[name="email"]').fill(`zweite-${lang}@example.com`);
    await submit(other, 'main form[method="post"]');
    expect(new URL(other.url()).pathname).toBe('/book/demo/sent');
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'a time just taken');

    await page.goto(`${suite.server.origin}/book/${unknownPractice}`);
    expect(await page.locator('main').textContent()).toBeTruthy();
    const english = wordsOf((await page.locator('main').textContent()) ?? '').filter((word) => ENGLISH_ONLY.has(word));
    expect(english, 'the error page of an unknown practice').toEqual([]);
    await context.close();
  });

  it('says every refusal of sign-in and sign-up in the page’s language', async () => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false, locale });
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}/login`);
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'empty sign-in', checkEntries);
    await page.locator('input[name="email"]').fill(`niemand-${lang}@example.com`);
    await page.locator('input[name="password"]').fill('ein falsches passwort');
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'wrong password');

    await page.goto(`${suite.server.origin}/signup`);
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'empty sign-up', checkEntries);
    const fill = async (slug: string, password: string) => {
      await page.locator('input[name="practiceName"]').fill('Praxis Nord');
      await page.locator('input[name="slug"]').fill(slug);
      await page.locator('input[name="timeZone"]').fill('Europe/Berlin');
      await page.locator('input[name="displayName"]').fill('Dr. Nord');
      await page.locator('input[name="email"]').fill(`nord-${lang}@example.com`);
      await page.locator('input[name="password"]').fill(password);
    };
    await fill('login', 'kurz');
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'reserved address and short password', checkEntries);
    await fill(`praxis-nord-${lang}`, 'ein sehr langes passwort');
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'agreement not accepted');
    await fill('demo', 'ein sehr langes passwort');
    await page.locator('input[name="acceptDpa"]').check();
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'address taken');
    await context.close();
  });

  it('says every refusal of the settings in the page’s language', async () => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false, locale });
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}/login`);
    await page.locator('input[name="email"]').fill('demo@example.com');
    await page.locator('input[name="password"]').fill('demo-therapist-pass');
    await Promise.all([page.waitForURL(/\/dashboard/), page.locator('main form[method="post"] button').first().click()]);
    const settings = async () => page.goto(`${suite.server.origin}/dashboard/settings`);

    await settings();
    await page.locator('form[action="/dashboard/settings/profile"] input[name="name"]').fill('x');
    await page.locator('form[action="/dashboard/settings/profile"] input[name="cancellationNoticeHours"]').fill('999');
    await submit(page, 'form[action="/dashboard/settings/profile"]');
    await expectLocalRefusal(page, 'profile', checkEntries);

    await settings();
    const hours = 'form[action="/dashboard/settings/hours"]';
    await page.locator(`${hours} input[name="day1_start0"]`).fill('09:00');
    await page.locator(`${hours} input[name="day1_end0"]`).fill('12:00');
    await page.locator(`${hours} input[name="day1_start1"]`).fill('11:00');
    await page.locator(`${hours} input[name="day1_end1"]`).fill('13:00');
    await page.locator(`${hours} input[name="day2_start0"]`).fill('10:00');
    await page.locator(`${hours} input[name="day2_end0"]`).fill('');
    await submit(page, hours);
    await expectLocalRefusal(page, 'hours with a missing end', checkEntries);
    await settings();
    await page.locator(`${hours} input[name="day1_start0"]`).fill('09:00');
    await page.locator(`${hours} input[name="day1_end0"]`).fill('12:00');
    await page.locator(`${hours} input[name="day1_start1"]`).fill('11:00');
    await page.locator(`${hours} input[name="day1_end1"]`).fill('13:00');
    await submit(page, hours);
    await expectLocalRefusal(page, 'overlapping hours');

    await settings();
    await submit(page, 'form[action="/dashboard/settings/exceptions"]');
    await expectLocalRefusal(page, 'exception without a date', checkEntries);

    await settings();
    await page.locator('form[action="/dashboard/settings/types"] input[name="name"]').fill('Kurz');
    await page.locator('form[action="/dashboard/settings/types"] input[name="durationMin"]').fill('7');
    await submit(page, 'form[action="/dashboard/settings/types"]');
    await expectLocalRefusal(page, 'type of 7 minutes', checkEntries);

    await settings();
    await submit(page, 'form[action="/dashboard/settings/terms"]');
    await expectLocalRefusal(page, 'unchanged terms');
    await settings();
    await page.locator('form[action="/dashboard/settings/terms"] textarea[name="text"]').fill('Zu kurz.');
    await submit(page, 'form[action="/dashboard/settings/terms"]');
    await expectLocalRefusal(page, 'terms too short', checkEntries);
    await context.close();
  });

  it('says every refusal of the rights portal in the page’s language', async () => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false, locale });
    const page = await context.newPage();
    await page.goto(`${suite.server.origin}/rights`);
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'empty rights request', checkEntries);
    await page.locator('input[name="practice"]').fill(unknownPractice);
    await page.locator('input[name="types"]').first().check();
    await page.locator('input[name="email"]').fill(`person-${lang}@example.com`);
    await submit(page, 'main form[method="post"]');
    await expectLocalRefusal(page, 'unknown practice', unknownPractice);
    await context.close();
  });
});
