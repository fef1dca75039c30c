/**
 * The broken fixture's HTML report in a real browser: the traffic table and the load-balancing
 * chart render (issue: the report must show them, proven by a DOM test). Needs Debian's chromium;
 * skipped with a message without it, unless REQUIRE_BROWSER=1 (CI), where it must run.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/analyze.js';
import { openBundle } from '../../src/bundle/open.js';
import { renderHtml } from '../../src/report/html.js';
import { loadRules } from '../../src/rules/loader.js';
import { packagePath } from '../../src/util/package.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.REQUIRE_BROWSER === '1') throw new Error(`${CHROMIUM} is required (REQUIRE_BROWSER=1): apt-get install chromium`);

describe.skipIf(!available)(available ? 'traffic table and load-balancing chart in Chromium' : 'skipped: /usr/bin/chromium not installed (apt-get install chromium)', () => {
  let browser: Browser;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    const bundle = await openBundle(packagePath('fixtures/broken'));
    const { report } = await analyzeBundle(bundle, await loadRules());
    await bundle.close();
    dir = await mkdtemp(join(tmpdir(), 'zb-traffic-'));
    file = join(dir, 'report.html');
    await writeFile(file, renderHtml(report));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the traffic table with the failing pairs first', async () => {
    const page = await browser.newPage();
    await page.goto(`file://${file}`);
    const rows = page.locator('#traffic-table tbody tr');
    expect(await rows.count()).toBe(5);
    const first = await rows.nth(0).locator('td').allInnerTexts();
    expect(first.slice(0, 6)).toEqual(['ztunnel-zfjjh', 'outbound', 'default/curl-z246k82b7s-p2zng', 'productpage.default.svc.cluster.local', '8', '8']);
    expect(await page.locator('#traffic-table tr.failing').count()).toBe(4);
    expect((await page.locator('#traffic-table').boundingBox())?.height).toBeGreaterThan(100);
    await page.close();
  });

  it('draws one bar per endpoint, sized by connections, with the even-spread line', async () => {
    const page = await browser.newPage();
    await page.goto(`file://${file}`);
    const chart = page.locator('figure.lb-chart[data-service="reviews.default.svc.cluster.local"]');
    expect(await chart.count()).toBe(1);
    expect(await chart.getAttribute('data-verdict')).toBe('too few connections');
    const bars = chart.locator('g.lb-bar');
    expect(await bars.count()).toBe(3);
    const data = await bars.evaluateAll((gs) => gs.map((g) => ({ endpoint: g.getAttribute('data-endpoint'), width: Number(g.querySelector('rect')?.getAttribute('width')) })));
    expect(data).toEqual([
      { endpoint: 'reviews-v1-dsmc9khk5v-6nsz9', width: 300 },
      { endpoint: 'reviews-v2-x27gdrrc8-tbxmb', width: 0 },
      { endpoint: 'reviews-v3-bpphqfknf-blmks', width: 0 },
    ]);
    const svgBox = await chart.locator('svg').boundingBox();
    expect(svgBox?.width).toBeGreaterThan(300);
    expect(await chart.locator('line').count()).toBe(1);
    await page.close();
  });
});
