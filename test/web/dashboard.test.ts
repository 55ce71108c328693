// The dashboard in a real browser against the local cloud's demo: services, a healthy and a
// faulty rollout of web, blue-green api approved from the page (with the real time left to
// approve), the release ledger, no console errors, and narrow screens.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { push, until } from '../../harness/local-cloud.js';
import {
  browserAvailable,
  buildWeb,
  consoleErrors,
  open,
  recordTraffic,
  startDashboard,
  type Dashboard,
} from './harness.js';

const WAIT = 90_000;

describe.skipIf(!browserAvailable())('the dashboard', { timeout: 180_000 }, () => {
  let dashboard: Dashboard;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await buildWeb();
    // 60x: a linear rollout of ten one-minute steps takes ten seconds, several deployment polls.
    dashboard = await startDashboard(60);
    page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(WAIT);
    errors = consoleErrors(page);
  }, 180_000);

  afterAll(async () => {
    await dashboard?.stop();
  });

  const card = (service: string) => page.locator(`[data-service="${service}"]`);
  const status = () => page.locator('main .header-facts .badge').first();
  /** Waits until the deployment page's status badge says `words`. */
  const statusBecomes = (words: string) =>
    page.locator('main .header-facts .badge', { hasText: words }).waitFor();

  /** Follows the link to `service`'s deployment in progress from the services page. */
  const follow = (service: string) =>
    card(service)
      .getByRole('link', { name: /Follow deployment/ })
      .click();

  /** Opens the deployment a push of `digest` started, from its row on the releases page. */
  async function openDeploymentOf(service: string, digest: string): Promise<void> {
    await open(page, dashboard, `#/services/${service}/releases`, `Releases of ${service}`);
    await page.locator(`tr:has(code[title$="${digest}"]) th a`).click();
    await page.getByRole('heading', { level: 1, name: `Deployment of ${service}` }).waitFor();
  }

  it('lists the demo services with their live release, health and drift', async () => {
    await open(page, dashboard, '#/', 'Services');
    for (const service of ['web', 'api']) {
      await card(service).getByRole('heading', { name: service }).waitFor();
      await card(service).getByText('release 1 ·').waitFor();
      await card(service).getByText('healthy').waitFor();
      await card(service).getByText('in sync').waitFor();
    }
    await card('web').getByText('linear').waitFor();
    await card('api').getByText('blue-green').waitFor();
  });

  it("shows shop's header-routed step while it runs: which requests reach the new release, and the step first in the plan", async () => {
    await open(page, dashboard, '#/', 'Services');
    push(dashboard.handle, 'shop', 'v2', 'healthy');
    await follow('shop');
    await page.getByRole('heading', { level: 1, name: 'Deployment of shop, release 2' }).waitFor();
    await page
      .getByText(
        'Header-routed step: only requests with cookie canary=always reach the new release (listener rule priority 5).',
      )
      .waitFor({ timeout: WAIT });
    await page
      .locator('.step-text', { hasText: /^Send only requests with cookie canary=always to the new task set/ })
      .waitFor();
    await statusBecomes('promoted');
    expect(await page.locator('.header-route').count()).toBe(0);
  });

  it('follows a healthy push of web: the weights move across polls, then it is promoted', async () => {
    await open(page, dashboard, '#/', 'Services');
    const digest = push(dashboard.handle, 'web', 'v2', 'healthy');
    await follow('web');
    await page.getByRole('heading', { level: 1, name: 'Deployment of web, release 2' }).waitFor();

    const seen = new Set<number>();
    const shares = new Set<string>();
    const bar = page.getByRole('meter', { name: 'production traffic on the new release' });
    await until(
      async () => {
        seen.add(Number(await bar.getAttribute('aria-valuenow')));
        shares.add((await page.locator('.weights-text').first().textContent()) ?? '');
        return (await status().textContent())?.includes('promoted') ?? false;
      },
      'web release 2 to be promoted',
      WAIT,
    );
    const between = [...seen].filter((weight) => weight > 0 && weight < 100);
    expect(between.length, `weights seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(2);
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    // Web runs a baseline beside its canary: its share is shown while it runs.
    expect(
      [...shares].some((text) => /^new (\d+)% · baseline \1% · stable \d+%$/.test(text)),
      [...shares].join(' | '),
    ).toBe(true);
    await page.getByText('new (release 2): 100% (latest)').waitFor();
    expect(await page.locator('.step-current').count()).toBe(0);
    await page.locator(`code[title$="${digest}"]`).waitFor();
    // Its sequential analysis is charted look by look, and each look lists its metrics.
    await page
      .getByText('Sequential analysis: evidence of a regression at each look (log10 e-value)')
      .waitFor();
    await page
      .locator('.analysis-metrics li', { hasText: /^latency-p50 (Pass|Undecided): rate ratio/ })
      .first()
      .waitFor();
  });

  it('shows the release ledger of web with a verified chain', async () => {
    await open(page, dashboard, '#/services/web/releases', 'Releases of web');
    await page.getByText(/chain verified, \d+ records/).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('tr[data-release="2"]').textContent()).toMatch(/live.*promoted/);
    await page.getByRole('button', { name: 'Roll back to release 1' }).waitFor();
    expect(await page.getByRole('button', { name: /Roll back to release 2/ }).count()).toBe(0);
  });

  it('shows a faulty push of web rolled back, naming the alarm', async () => {
    const digest = push(dashboard.handle, 'web', 'v3', 'faulty');
    await openDeploymentOf('web', digest);
    const outcome = page.getByRole('region', { name: 'Rolled back' });
    await outcome.waitFor();
    const text = await outcome.textContent();
    expect(text).toMatch(/alarm web-5xx-rate (went to|is in) ALARM/);
    await outcome.getByText('web-5xx-rate', { exact: true }).waitFor();
    expect(await status().textContent()).toContain('rolled back');
    expect(await page.getByRole('button', { name: 'Abort' }).count()).toBe(0);
    // The step under way when the alarm fired is marked failed; none after it ran.
    const failed = page.locator('.step-failed');
    expect(await failed.count()).toBe(1);
    expect(await failed.locator('.step-state').textContent()).toBe('failed');
    expect(await page.locator('.step-current').count()).toBe(0);
  });

  it('approves a blue-green deployment of api from its page, with a reason, and it is promoted', async () => {
    await open(page, dashboard, '#/', 'Services');
    push(dashboard.handle, 'api', 'v2', 'healthy');
    await follow('api');
    await page.getByText('phase approval').waitFor();
    // The demo's one-hour window is a real hour at 60x: the page counts down the real time left,
    // next to the deadline on the (simulated) cloud clock.
    const wait = page.locator('p.approval');
    expect(await wait.textContent()).toMatch(
      /^Waiting for approval: approve within (1 h 0 min|59 min \d+ s) \(deadline .+ on the cloud's clock\)\.$/,
    );
    const left = await wait.locator('strong').textContent();
    await expect.poll(() => wait.locator('strong').textContent(), { timeout: 5000 }).not.toBe(left);

    await page.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve release 2 of api' });
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    expect(await dialog.isVisible(), 'a reason is required').toBe(true);
    await dialog.getByRole('textbox', { name: /Reason/ }).fill('test listener answers 200');
    await dialog.getByRole('button', { name: 'Confirm' }).click();

    await page
      .getByRole('status')
      .getByText(/approve accepted for api-/)
      .waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await statusBecomes('promoted');
  });

  it('rolls api back to release 1 from its releases page, and links to the new deployment', async () => {
    // The approved release holds api until its termination wait ends; a rollback asked for
    // before then is refused (409), as any deployment is while another holds the service.
    await until(
      async () => (await dashboard.handle.clients.locks.holder('api')) === null,
      'api to be free',
      WAIT,
    );
    await open(page, dashboard, '#/services/api/releases', 'Releases of api');
    await page.getByRole('button', { name: 'Roll back to release 1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll api back to release 1' });
    await dialog.getByRole('textbox', { name: /Reason/ }).fill('release 2 misbehaves');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page
      .getByRole('status')
      .getByText(/Rollback accepted/)
      .waitFor();
    await page
      .getByRole('status')
      .getByRole('link', { name: /Follow deployment/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Deployment of api, release 3' }).waitFor();
    await statusBecomes('promoted');
  });

  it('polls with ETags: a 304 keeps the page as it is, and a page left is no longer polled', async () => {
    const traffic = recordTraffic(page);
    try {
      await open(page, dashboard, '#/services/web/releases', 'Releases of web');
      const releases = (a: { path: string; status: number }) => a.path === '/services/web/releases';
      await page.locator('tr[data-release="3"]').waitFor();
      // Mark the table and read the page, then let a poll be answered 304: the same table (not
      // one rendered again from nothing) must still be there, saying the same.
      const main = page.locator('main');
      const before = await main.innerText();
      await page
        .locator('main table')
        .first()
        .evaluate((table: { setAttribute(name: string, value: string): void }) => {
          table.setAttribute('data-kept', 'yes');
        });
      const marked = traffic.answers.length;
      await until(
        () => traffic.answers.slice(marked).some((a) => releases(a) && a.status === 304),
        'a 304 after the page was read',
        WAIT,
      );
      expect(await page.locator('main table[data-kept="yes"]').count()).toBe(1);
      expect(await main.innerText()).toBe(before);

      await open(page, dashboard, '#/', 'Services');
      const since = (
        (left) => () =>
          traffic.asked.slice(left)
      )(traffic.asked.length);
      await until(() => since().filter((p) => p === '/services').length >= 3, 'three polls', WAIT);
      expect(since().filter((p) => /^\/services\/web\/(releases|verify)$/.test(p))).toEqual([]);
    } finally {
      traffic.stop();
    }
  });

  it('fits a 390 px wide screen: tables scroll inside their frame, charts shrink, the page does not', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    const fits = async (what: string) => {
      await page.locator('main .badge').first().waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth'), what).toBeLessThanOrEqual(390);
    };
    try {
      await open(page, dashboard, '#/', 'Services');
      await fits('services');
      await open(page, dashboard, '#/services/web/releases', 'Releases of web');
      await fits('releases');
      await page.locator('tr[data-release="2"] th a').click();
      await page.getByRole('heading', { level: 1, name: 'Deployment of web, release 2' }).waitFor();
      await page.locator('.chart-box canvas').first().waitFor();
      await fits('deployment');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('logged no console error or warning on any page', () => {
    expect(errors).toEqual([]);
  });
});
