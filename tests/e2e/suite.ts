import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser, type BrowserOptions } from './browser';
import { startLocalServer, type LocalServer } from './server';
import { filesHolding } from './state-scan';

/**
 * One local app and one Chromium per test file, started before and stopped after its tests. Before the app's state is
 * thrown away, every file of it (D1, Durable Object storage, write-ahead logs, freed pages included) is searched for the
 * browser's user-agent string, which every request of the file carried: data minimisation (Art. 5(1)(c) GDPR) checked
 * on a real browser's traffic, not only on the headers a test chose.
 */
export function browserSuite(options: BrowserOptions = {}) {
  let server: LocalServer | undefined;
  let browser: Browser | undefined;
  let userAgent = '';
  beforeAll(async () => {
    server = await startLocalServer();
    browser = await launchBrowser(options);
    const page = await browser.newPage();
    userAgent = await page.evaluate(() => navigator.userAgent);
    await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    // Read before stop(), which removes the files; write-ahead logs are read as they are.
    const found = server ? filesHolding(server.stateDir, [userAgent, 'HeadlessChrome']) : [];
    const databases = server ? filesHolding(server.stateDir, ['SQLite format 3']) : [];
    await server?.stop();
    expect(userAgent).toMatch(/Chrome/);
    expect(databases.length, 'SQLite files in the local state').toBeGreaterThan(0);
    expect(found, 'files of the local state holding the user agent').toEqual([]);
  });
  return {
    get server(): LocalServer {
      if (!server) throw new Error('the local app is not running');
      return server;
    },
    get browser(): Browser {
      if (!browser) throw new Error('the browser is not running');
      return browser;
    },
  };
}
