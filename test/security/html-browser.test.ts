/**
 * The HTML report in a real browser (headless Chromium through playwright-core). A copy of the
 * broken fixture gets script, markup, CSS, Handlebars and javascript: payloads in pod names, log
 * lines, error texts, a NetworkPolicy, the bundle's own directory name and a custom rule; the CLI
 * renders it, and the page must: run none of them (window.__pwned stays undefined, no dialog),
 * request nothing but its own file, show every payload as literal text, keep its CSP blocking
 * inline handlers and styles added later, and still run our own filter script. A screenshot of the
 * unmodified broken fixture's report goes to /tmp/report.png for a human look.
 *
 * Needs /usr/bin/chromium (Debian's package); without it the suite is skipped, unless
 * REQUIRE_BROWSER=1 (CI), where a missing browser must fail.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const REQUIRED = process.env.REQUIRE_BROWSER === '1';
const HAVE_BROWSER = existsSync(CHROMIUM);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT = '/tmp/report.png';

/** Each payload, and the bundle text it replaces (in every file of the copy). */
const PAYLOADS = {
  script: '<script>window.__pwned=1</script>',
  breakout: '</script><img src=x onerror="window.__pwned=1">',
  attribute: '"><svg onload=window.__pwned=1>',
  handlebars: "{{constructor.constructor('window.__pwned=1')()}}",
  javascriptUrl: 'javascript:window.__pwned=1',
  css: '</style><style>body{background:url(http://127.0.0.1:1/x)}</style>',
} as const;

/** Pod and workload names, log and error texts that reach findings in the broken fixture. */
const INJECTIONS: { find: string; replace: string }[] = [
  // A pod name (pod-not-captured: subject, message, evidence from pods.json, config_dump and CNI logs).
  { find: 'ratings-v1-4wsn8h8s9p-s74jw', replace: `ratings${PAYLOADS.script}` },
  // A workload name in a config_dump (workload-proxy-pending).
  { find: 'reviews-v2-x27gdrrc8-tbxmb', replace: `reviews${PAYLOADS.breakout}` },
  // A log line's error text (dns-proxy-failed: message and excerpt).
  { find: 'Address in use', replace: `Address in use ${PAYLOADS.handlebars}` },
  // A URL in log lines (xds-connection-errors): text, never a link.
  { find: 'https://istiod.istio-system.svc:15012', replace: PAYLOADS.javascriptUrl },
  // An error text recorded in the manifest (artifact-collection-failed).
  { find: 'jane', replace: `jane${PAYLOADS.css}` },
  // A label value in a NetworkPolicy (networkpolicy-blocks-hbone excerpt), and on the pods it selects.
  { find: 'productpage', replace: `productpage${PAYLOADS.attribute}` },
];

/** The bundle's directory name carries the attribute payload too: it lands in <title> and the header. */
const BUNDLE_DIR = `bundle${PAYLOADS.attribute}`;

/** A custom rule whose docs link and message template are hostile in their own way. */
const CUSTOM_RULE = `id: hostile-docs
title: Custom rule with a hostile docs link
severity: info
category: collection
for: artifacts
when: item.status == "error"
message: >-
  Artifact {{path}} failed: {{error}} ${PAYLOADS.handlebars}
remediation: ${JSON.stringify(`Nothing to do ${PAYLOADS.script}`)}
docs: ${JSON.stringify(`https://example.invalid/${PAYLOADS.attribute}`)}
`;

async function injectAll(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const original = await readFile(path, 'utf8');
    let text = original;
    for (const { find, replace } of INJECTIONS) {
      // In JSON the payload's quotes and backslashes must be escaped to stay valid JSON.
      const replacement = path.endsWith('.json') ? JSON.stringify(replace).slice(1, -1) : replace;
      text = text.split(find).join(replacement);
    }
    if (text !== original) await writeFile(path, text);
  }
}

interface PageWatch {
  requests: string[];
  blocked: string[];
  dialogs: string[];
  console: string[];
}

async function openReport(context: BrowserContext, file: string): Promise<{ page: Page; watch: PageWatch; url: string }> {
  const url = pathToFileURL(file).href;
  const watch: PageWatch = { requests: [], blocked: [], dialogs: [], console: [] };
  const page = await context.newPage();
  page.on('request', (r) => watch.requests.push(r.url()));
  page.on('dialog', (d) => {
    watch.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => watch.console.push(`${m.type()}: ${m.text()}`));
  await page.route('**/*', async (route) => {
    if (route.request().url() === url) return route.continue();
    watch.blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, watch, url };
}

/** Elements that would carry injected behaviour or requests. */
function markupCounts(page: Page) {
  return page.evaluate(() => ({
    scripts: document.querySelectorAll('script').length,
    styles: document.querySelectorAll('style').length,
    img: document.querySelectorAll('img').length,
    svg: document.querySelectorAll('svg').length,
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
    javascriptLinks: [...document.querySelectorAll('a')].filter((a) => a.protocol === 'javascript:').length,
  }));
}

const SUITE = HAVE_BROWSER || REQUIRED ? 'the HTML report in headless Chromium' : `the HTML report in headless Chromium (skipped: ${CHROMIUM} not present; REQUIRE_BROWSER=1 makes this fail)`;

describe.skipIf(!HAVE_BROWSER && !REQUIRED)(SUITE, () => {
  let work: string;
  let context: BrowserContext;
  let hostileHtml: string;
  let hostileJson: string;
  let brokenHtml: string;

  beforeAll(async () => {
    if (!HAVE_BROWSER) throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: install Debian's chromium package`);
    work = await mkdtemp(join(tmpdir(), 'zb-sec-html-'));
    const bundle = join(work, BUNDLE_DIR);
    await cp(join(ROOT, 'fixtures/broken'), bundle, { recursive: true });
    await injectAll(bundle);
    const rules = join(work, 'rules');
    await mkdir(rules);
    await writeFile(join(rules, 'hostile-docs.yaml'), CUSTOM_RULE);

    const hostileOut = join(work, 'hostile-out');
    const hostile = await runCli(['analyze', bundle, '--rules', rules, '--format', 'html,json', '--output', hostileOut]);
    expect(hostile.code, hostile.stderr).toBe(1);
    hostileHtml = join(hostileOut, 'report.html');
    hostileJson = await readFile(join(hostileOut, 'report.json'), 'utf8');

    const brokenOut = join(work, 'broken-out');
    const broken = await runCli(['analyze', 'fixtures/broken', '--format', 'html', '--output', brokenOut]);
    expect(broken.code, broken.stderr).toBe(1);
    brokenHtml = join(brokenOut, 'report.html');

    context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS, javaScriptEnabled: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('every payload reached the report data (so the page test below means something)', () => {
    const report = JSON.parse(hostileJson) as unknown;
    const text = JSON.stringify(report);
    for (const [name, payload] of Object.entries(PAYLOADS)) expect(text, name).toContain(JSON.stringify(payload).slice(1, -1));
  });

  it('runs no injected script, opens no dialog, requests nothing but its own file', async () => {
    const { page, watch, url } = await openReport(context, hostileHtml);
    // Give any handler (onerror, onload) a chance to fire before judging.
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(watch.dialogs).toEqual([]);
    expect(watch.requests).toEqual([url]);
    expect(watch.blocked).toEqual([]);
    // Nothing injected became markup: scripts, styles, images and links are those of the clean
    // fixture's report (our own), and no element carries an event handler attribute.
    const hostileCounts = await markupCounts(page);
    const clean = await openReport(context, brokenHtml);
    const cleanCounts = await markupCounts(clean.page);
    await clean.page.close();
    expect(hostileCounts).toEqual(cleanCounts);
    expect(hostileCounts).toMatchObject({ scripts: 1, styles: 1, img: 0, handlers: 0, javascriptLinks: 0 });
    await page.close();
  });

  it('shows every payload as literal text, including in the title and the docs link', async () => {
    const { page } = await openReport(context, hostileHtml);
    const text = await page.innerText('body');
    for (const [name, payload] of Object.entries(PAYLOADS)) expect(text, name).toContain(payload);
    expect(await page.title()).toContain(BUNDLE_DIR);
    // The hostile https docs link stays one attribute: quotes and brackets percent-encoded by URL().
    const docsHref = await page.getAttribute('article[data-rule-id="hostile-docs"] .docs a', 'href');
    expect(docsHref).toMatch(/^https:\/\/example\.invalid\/%22%3E%3Csvg%20onload=window.__pwned=1%3E$/);
    await page.close();
  });

  it('its CSP blocks inline handlers and styles even if markup got in, and reports the violation', async () => {
    const { page, watch } = await openReport(context, hostileHtml);
    await page.evaluate(() => {
      document.body.insertAdjacentHTML('beforeend', '<img id="probe" src="x" onerror="window.__pwned=1"><style id="probe-style">body{background:url(http://127.0.0.1:1/x)}</style>');
    });
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundImage)).toBe('none');
    expect(watch.requests.filter((u) => u.startsWith('http'))).toEqual([]);
    expect(watch.console.some((m) => /Content Security Policy/.test(m))).toBe(true);
    await page.close();
  });

  it('our own filter script works: unticking a severity hides its cards and updates the count', async () => {
    const { page } = await openReport(context, hostileHtml);
    expect(await page.isVisible('#filters')).toBe(true);
    const total = await page.locator('article.finding').count();
    const critical = await page.locator('article.finding[data-severity="critical"]').count();
    expect(critical).toBeGreaterThan(0);
    await expect.poll(() => page.textContent('#filter-count')).toBe(`${total} of ${total} findings shown`);
    await page.uncheck('input[name="severity"][value="critical"]');
    expect(await page.locator('article.finding[data-severity="critical"]:visible').count()).toBe(0);
    expect(await page.locator('article.finding:visible').count()).toBe(total - critical);
    expect(await page.isVisible('#group-critical')).toBe(false);
    expect(await page.textContent('#filter-count')).toBe(`${total - critical} of ${total} findings shown`);
    // Free text search over a payload finds its card, as literal text.
    await page.check('input[name="severity"][value="critical"]');
    await page.fill('#filter-text', PAYLOADS.script);
    expect(await page.locator('article.finding:visible').count()).toBeGreaterThan(0);
    expect(await page.locator('article.finding:visible').count()).toBeLessThan(total);
    await page.close();
  });

  it('renders the broken fixture report (screenshot for review at /tmp/report.png)', async () => {
    const { page, watch, url } = await openReport(context, brokenHtml);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(watch.requests).toEqual([url]);
    expect(watch.console.filter((m) => m.startsWith('error'))).toEqual([]);
    expect(existsSync(SCREENSHOT)).toBe(true);
    await page.close();
  });
});
