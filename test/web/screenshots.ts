// `npm run screenshots`: PNGs of the dashboard at 1280×800 into docs/img/, taken from the demo
// on the local cloud: the services page and a deployment mid-rollout, then the releases page
// after a faulty push was rolled back.

import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { push, until } from '../../harness/local-cloud.js';
import { browserAvailable, buildWeb, open, startDashboard } from './harness.js';

const OUT = new URL('../../docs/img/', import.meta.url).pathname;

async function candidateWeight(page: Page): Promise<number> {
  const bar = page.getByRole('meter', { name: 'production traffic on the new release' }).first();
  return Number((await bar.getAttribute('aria-valuenow')) ?? 0);
}

async function main(): Promise<void> {
  if (!browserAvailable()) throw new Error('no browser to take screenshots with');
  mkdirSync(OUT, { recursive: true });
  await buildWeb();
  // 30x: each one-minute step of web's linear rollout lasts two seconds, time to catch it mid-way.
  const dashboard = await startDashboard(30);
  try {
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(120_000);
    const shot = async (name: string) => {
      await page.screenshot({ path: `${OUT}${name}`, animations: 'disabled' });
      console.log(`wrote docs/img/${name}`);
    };

    await open(page, dashboard, '#/', 'Services');
    const digest = push(dashboard.handle, 'web', 'v2', 'healthy');
    await until(async () => (await candidateWeight(page)) >= 20, 'web to take 20% of traffic', 120_000);
    await shot('dashboard-services.png');

    await page.getByRole('link', { name: /Follow deployment/ }).click();
    await page.getByRole('heading', { level: 1, name: /Deployment of web/ }).waitFor();
    await until(async () => (await candidateWeight(page)) >= 40, 'web to take 40% of traffic', 120_000);
    await page.getByText('canary (new):').first().waitFor();
    await shot('dashboard-deployment.png');
    await page.locator('main .header-facts .badge', { hasText: 'promoted' }).waitFor();

    const faulty = push(dashboard.handle, 'web', 'v3', 'faulty');
    await open(page, dashboard, '#/services/web/releases', 'Releases of web');
    await page.locator(`tr:has(code[title$="${faulty}"])`, { hasText: 'rolled back' }).waitFor();
    await page.getByText(/chain verified/).waitFor();
    console.log(`pushed ${digest} (healthy) and ${faulty} (faulty)`);
    await shot('dashboard-releases.png');
  } finally {
    await dashboard.stop();
  }
}

// Exits explicitly: after a failure mid-rollout, the stopped cloud's timers could keep Node alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
