import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type BrowserOptions } from './browser';
import { startLocalServer, type LocalServer } from './server';

/** One local app and one Chromium per test file, started before and stopped after its tests. */
export function browserSuite(options: BrowserOptions = {}) {
  let server: LocalServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startLocalServer();
    browser = await launchBrowser(options);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
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
