import { chromium, type Browser } from 'playwright-core';

export type BrowserOptions = {
  /** Fake camera and microphone (a test pattern and a beep), permission prompts accepted, loopback ICE allowed. */
  media?: boolean;
};

const MEDIA_FLAGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection'];

/** Debian's chromium, never a downloaded browser; flags that work on a machine without network or GPU. */
export function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(options.media ? MEDIA_FLAGS : []),
    ],
  });
}
