// What `wrangler deploy` would upload bundles, and `wrangler dev` (what
// `make demo` runs) serves the product: demo pages and browser files as
// static assets, the API and the hosted feedback page from the Worker.
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { CONTENT_SECURITY_POLICY } from '../../demo/headers.js';
import { feedbackLinkToken } from '../../js/lib/signatures.js';
import { ROOT, Receiver, SECRETS, assertError, postJson } from './helpers.mjs';

const WRANGLER = join(ROOT, 'js/node_modules/.bin/wrangler');
const CHROMIUM = '/usr/bin/chromium';
const HAS_WIDGET = existsSync(join(ROOT, 'js/widget.js'));
const ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' };

test('wrangler deploy --dry-run bundles the Worker with its wasm as a compiled module', { timeout: 120_000 }, async () => {
  const outdir = await mkdtemp(join(tmpdir(), 'reviewloop-bundle-'));
  try {
    const { stdout } = await promisify(execFile)(WRANGLER, ['deploy', '--dry-run', '--outdir', outdir], { cwd: ROOT, env: ENV });
    assert.match(stdout, /env\.OUTBOX \(Outbox\)\s+Durable Object/);
    const files = await readdir(outdir);
    assert.ok(files.includes('worker.js'), files.join(', '));
    const wasm = files.find((f) => f.endsWith('reviewloop_bg.wasm'));
    assert.ok(wasm, 'the wasm is uploaded as its own module');
    assert.equal((await stat(join(outdir, wasm))).size, (await stat(join(ROOT, 'js/pkg/reviewloop_bg.wasm'))).size);
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
});

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('wrangler dev', { timeout: 180_000 }, () => {
  let child;
  let origin;
  let output = '';
  const support = new Receiver();

  before(async () => {
    await support.start();
    const port = await freePort();
    child = spawn(WRANGLER, [
      'dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false',
      '--var', 'REVIEW_URL:https://shop.example/reviews', '--var', 'FEEDBACK_LINK_SECRET:dev-link-secret',
      '--var', `SUPPORT_WEBHOOK_URL:${support.url}`, '--var', `WEBHOOK_SIGNING_SECRET:${SECRETS.WEBHOOK_SIGNING_SECRET}`,
    ], { cwd: ROOT, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c) => { output += c; });
    child.stderr.on('data', (c) => { output += c; });
    const deadline = Date.now() + 120_000;
    while (!/Ready on http/.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline) assert.fail(`wrangler dev did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    origin = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    if (child && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    await support.stop();
  });

  test('the admin demo page and the browser files are served', async () => {
    const page = await fetch(`${origin}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>reviewloop/);
    assert.equal(page.headers.get('Content-Security-Policy'), CONTENT_SECURITY_POLICY, 'the demo server\'s policy, from demo/headers.js');
    // The whole engine (the admin, the dashboard) and the classifier alone (the first page).
    for (const file of ['js/index.js', 'js/classify.js', 'js/lib/engine.js']) {
      const served = await fetch(`${origin}/${file}`);
      assert.equal(served.status, 200, file);
      assert.equal(await served.text(), await readFile(join(ROOT, file), 'utf8'), file);
    }
    for (const dir of ['pkg', 'pkg-classify']) {
      const wasm = await fetch(`${origin}/js/${dir}/reviewloop_bg.wasm`);
      assert.equal(wasm.headers.get('Content-Type'), 'application/wasm', dir);
      assert.ok(WebAssembly.validate(new Uint8Array(await wasm.arrayBuffer())), dir);
    }
  });

  test('the API answers from the Worker', async () => {
    const response = await fetch(`${origin}/v1/classify`, postJson({ id: 'dev', text: 'It arrived broken.' }));
    assert.equal(response.status, 200);
    assert.ok((await response.json()).categories.some((c) => c.id === 'damaged_in_transit'));
    await assertError(await fetch(`${origin}/v1/nothing`, postJson({})), 404, 'not_found');
  });

  test('the hosted feedback page is served for a signed link', async () => {
    const token = await feedbackLinkToken('dev-link-secret', 'A-17', Math.floor(Date.now() / 1000) + 600);
    const response = await fetch(`${origin}/feedback/A-17?t=${token}`);
    assert.equal(response.status, 200);
    assert.ok(response.headers.get('Content-Security-Policy'));
    assert.match(await response.text(), /<reviewloop-feedback order-id="A-17"/);
  });

  test('the hosted page in Chromium: its CSP lets the widget load and run (an unhappy answer becomes a ticket), and blocks inline script', { skip: !existsSync(CHROMIUM) && 'no Chromium at /usr/bin/chromium (make setup-browser)' }, async () => {
    const { chromium } = createRequire(join(ROOT, 'js/package.json'))('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(15_000);
      const problems = [];
      page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('response', (answer) => { if (answer.status() >= 400) problems.push(`${answer.status()} ${answer.url()}`); });
      const token = await feedbackLinkToken('dev-link-secret', 'B-2', Math.floor(Date.now() / 1000) + 600);
      const response = await page.goto(`${origin}/feedback/B-2?t=${token}`);
      assert.equal(response.status(), 200);
      assert.equal(await page.locator('reviewloop-feedback').getAttribute('order-id'), 'B-2');
      if (HAS_WIDGET) {
        await page.waitForFunction(() => customElements.get('reviewloop-feedback') !== undefined, null, { timeout: 15_000 });
        await page.locator('reviewloop-feedback form').waitFor({ timeout: 15_000 });
        assert.deepEqual(problems, [], 'the widget runs under the page\'s CSP');
        // An unhappy customer answers through the widget: the Worker takes it and the ticket reaches support.
        await page.locator('reviewloop-feedback input[type="radio"][value="1"]').first().check();
        await page.locator('reviewloop-feedback textarea').fill('The mug arrived shattered.');
        const posted = page.waitForResponse((r) => r.url().endsWith('/v1/feedback') && r.request().method() === 'POST');
        await page.locator('reviewloop-feedback button[type="submit"]').click({ noWaitAfter: true });
        assert.equal((await posted).status(), 200);
        const deadline = Date.now() + 15_000;
        while (![...support.received.values()].some((t) => t.ticket?.orderId === 'B-2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.ok([...support.received.values()].some((t) => t.ticket?.orderId === 'B-2'), 'the ticket reached support, signed');
      } else {
        // Until js/widget.js exists, its 404 is the only complaint.
        assert.ok(problems.every((p) => /404|Failed to load/.test(p)), problems.join('\n'));
        assert.ok(problems.some((p) => p.endsWith('/js/widget.js')), problems.join('\n'));
      }
      problems.length = 0;
      const ran = await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.append(script);
        return window.injected === true;
      });
      assert.equal(ran, false, 'an injected inline script does not run');
      assert.ok(problems.some((p) => /Content Security Policy/.test(p)), 'the browser reports the refusal');
    } finally {
      await browser.close();
    }
  });
});
