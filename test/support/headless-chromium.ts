import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags that keep Chromium off this machine's closed network and quiet as root. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether a browser suite should run: always in CI (where a missing Chromium must fail the run),
 * elsewhere only when Chromium is installed, with a note saying why it was skipped.
 */
export function browserTestsEnabled(suite: string): boolean {
  const available = existsSync(CHROMIUM);
  if (!available && !process.env.CI) {
    console.warn(`[${suite}] skipped: ${CHROMIUM} not found (apt-get install -y chromium). With CI set this test fails instead.`);
  }
  return available || !!process.env.CI;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
