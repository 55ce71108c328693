// Drives the dashboard in Debian's Chromium (playwright-core, no downloaded browser): builds
// web/ once, starts the local cloud with the demo catalog, and opens pages at its API address.

import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page, type Request, type Response } from 'playwright-core';
import { build } from 'vite';
import { DEMO_CATALOG } from '../../cli/catalog-file.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, type CloudHandle } from '../../harness/local-cloud.js';

/** Debian's package puts Chromium here; CUTOVER_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.CUTOVER_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser tests can run; with CUTOVER_REQUIRE_BROWSER=1 a missing browser is an error. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CUTOVER_CHROMIUM)`;
  if (process.env.CUTOVER_REQUIRE_BROWSER === '1') throw new Error(`${message}; CUTOVER_REQUIRE_BROWSER=1`);
  console.warn(`skipping the dashboard's browser tests: ${message}`);
  return false;
}

/** `npm run build:web`, in-process: web/ into web/dist, which the local cloud serves at `/`. */
export async function buildWeb(): Promise<void> {
  await build({
    configFile: new URL('../../web/vite.config.mjs', import.meta.url).pathname,
    logLevel: 'error',
  });
}

export interface Dashboard {
  handle: CloudHandle;
  browser: Browser;
  /** The dashboard's address: the local API's origin, `/`. */
  url: string;
  stop(): Promise<void>;
}

/** The demo catalog's cloud (services web, api and shop) and a browser to look at it with. */
export async function startDashboard(speed: number): Promise<Dashboard> {
  const handle = await startCloud({ port: await freePort(), catalogPath: DEMO_CATALOG, speed });
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Chromium refuses to run as root inside its sandbox (CI containers).
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return {
    handle,
    browser,
    url: `${handle.cloud.apiEndpoint}/`,
    stop: async () => {
      await browser.close();
      await handle.stop();
    },
  };
}

/** Collects console errors and uncaught exceptions of a page, for a test to assert none. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      errors.push(`${message.type()}: ${message.text()} (${page.url()})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message} (${page.url()})`));
  return errors;
}

/** Goes to a hash route and waits for its heading. */
export async function open(page: Page, dashboard: Dashboard, hash: string, heading: string | RegExp) {
  await page.goto(`${dashboard.url}${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Records the paths a page asks for and the statuses it gets back, until `stop()`. */
export function recordTraffic(page: Page) {
  const asked: string[] = [];
  const answers: { path: string; status: number }[] = [];
  const onRequest = (request: Request) => asked.push(new URL(request.url()).pathname);
  const onResponse = (response: Response) =>
    answers.push({ path: new URL(response.url()).pathname, status: response.status() });
  page.on('request', onRequest);
  page.on('response', onResponse);
  return {
    asked,
    answers,
    stop: () => {
      page.off('request', onRequest);
      page.off('response', onResponse);
    },
  };
}
