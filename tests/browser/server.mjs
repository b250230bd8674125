// Shared by the browser suites: the demo server on a free port, headless
// Chromium, and axe-core run inside a page.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const require = createRequire(new URL('../../js/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const SERVER = fileURLToPath(new URL('../../demo/server.js', import.meta.url));
// The demo pages load js/pkg (the admin, the dashboard) and js/pkg-classify (the first page).
const BUILDS = ['pkg', 'pkg-classify'].map((dir) => fileURLToPath(new URL(`../../js/${dir}/reviewloop_bg.wasm`, import.meta.url)));
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run',
];

/** Debian's Chromium, headless. */
export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Starts demo/server.js on a free port; resolves once it prints its URL. */
export function startServer() {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the demo server did not start:\n${output}`)), 10_000);
    const read = (chunk) => {
      output += chunk;
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve({ child, origin: found[1] });
      }
    };
    child.stdout.setEncoding('utf8').on('data', read);
    child.stderr.setEncoding('utf8').on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo server exited with ${code}:\n${output}`));
    });
  });
}

export function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/**
 * The demo server and Chromium for a whole test file: started before its
 * tests, stopped after them. Read `origin` and `browser` once tests run.
 * @returns {{ readonly origin: string, readonly browser: import('playwright-core').Browser }}
 */
export function useDemo() {
  let server;
  const demo = { origin: undefined, browser: undefined };
  before(async () => {
    const missing = BUILDS.find((wasm) => !existsSync(wasm));
    if (missing) throw new Error(`${missing} is missing: run \`make build\` first.`);
    ({ child: server, origin: demo.origin } = await startServer());
    demo.browser = await launchChromium();
  });
  after(async () => {
    await demo.browser?.close();
    if (server) await stopServer(server);
  });
  return demo;
}

/**
 * Opens `url` in a fresh context, recording console errors, page errors, CSP
 * violations (in `window.cspViolations`) and dialogs, which are dismissed.
 * `route(page)` runs before the page loads, to intercept requests.
 */
export async function openPage(browser, url, { route } = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  const dialogs = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  if (route) await route(page);
  await page.goto(url);
  return { page, problems, dialogs, close: () => context.close() };
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.x A/AA and best-practice rules on the whole page, open
 * shadow roots included. Injected through the debugging protocol, so the
 * page's CSP stays on.
 * @returns {Promise<string[]>} one line per violation (empty when clean)
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
  });
}
