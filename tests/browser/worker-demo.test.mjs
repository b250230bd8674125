// `make demo` end to end: demo/worker-demo.js (wrangler dev running the
// Worker in workerd, and the local webhook receiver) on free ports, its pages
// in headless Chromium, an unhappy answer on the order-status page arriving at
// the receiver as a signed ticket, the printed hosted-page link and API call
// working, and Ctrl-C leaving no process behind. Needs `make build` and
// Chromium (`make setup-browser`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { descendants } from '../worker/helpers.mjs';
import { axeViolations, launchChromium, openPage } from './server.mjs';

const RUNNER = fileURLToPath(new URL('../../demo/worker-demo.js', import.meta.url));
const WASM = fileURLToPath(new URL('../../js/pkg/reviewloop_bg.wasm', import.meta.url));

let demo;
let output = '';
let origin;
let link;
let apiKey;
let receiverLog;
let browser;

const alive = (pid) => existsSync(`/proc/${pid}`) && !/^\S+ \(\S+\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/** Polls `check` until it returns something truthy, or fails after `ms`. */
async function until(check, ms = 15_000, what = String(check)) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`still not true after ${ms} ms: ${what}\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const receiverState = async () => (await fetch(receiverLog, { signal: AbortSignal.timeout(5000) })).json();

before(async () => {
  if (!existsSync(WASM)) throw new Error('js/pkg/reviewloop_bg.wasm is missing: run `make build` first.');
  demo = spawn(process.execPath, [RUNNER], { env: { ...process.env, PORT: '0', RECEIVER_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  demo.stdout.setEncoding('utf8').on('data', (c) => { output += c; });
  demo.stderr.setEncoding('utf8').on('data', (c) => { output += c; });
  await until(() => /Ctrl-C stops/.test(output) || demo.exitCode !== null, 150_000, 'the demo starts');
  assert.equal(demo.exitCode, null, `the demo exited:\n${output}`);
  origin = /on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(output)?.[1];
  link = /(http:\/\/127\.0\.0\.1:\d+\/feedback\/A-1001\?t=\S+)/.exec(output)?.[1];
  apiKey = /Authorization: Bearer (demo-only-[0-9a-f]+)/.exec(output)?.[1];
  receiverLog = /receiver .*: (http:\/\/127\.0\.0\.1:\d+\/log)/.exec(output)?.[1];
  assert.ok(origin && link && apiKey && receiverLog, `the demo prints its pages, link, key and receiver:\n${output}`);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    // A test failed before Ctrl-C was tried: stop the demo, then anything it left.
    const below = descendants(demo.pid);
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    for (const pid of [demo.pid, ...below]) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

describe('make demo: the product through the Worker', () => {
  test('the order-status page: an unhappy answer goes to /v1/feedback and arrives at the receiver as a signed ticket, shown on the page', { timeout: 60_000 }, async () => {
    const orderId = `W-${process.pid}`;
    const { page, problems, close } = await openPage(browser, `${origin}/order-status.html?order=${orderId}`);
    try {
      page.setDefaultTimeout(15_000);
      await page.locator('reviewloop-feedback form').waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole('group', { name: 'Did your order arrive as expected?' }).getByLabel('No').check();
      await page.getByRole('group', { name: 'How satisfied are you with the product?' }).locator('input[value="1"]').check();
      await page.locator('reviewloop-feedback textarea').fill('The jumper arrived torn and I am still waiting for my refund.');
      const posted = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/feedback' && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Send answers' }).click();
      const response = await posted;
      assert.equal(response.status(), 200);
      // The Worker's answer, as the customer sees it: help on its way, and the review invitation all the same.
      await page.locator('reviewloop-feedback .help').filter({ hasText: 'within 4 hours' }).waitFor();
      assert.equal(await page.getByRole('link', { name: /Write a review/ }).getAttribute('href'), 'https://reviews.example.com/write/reviewloop-demo');
      const ticket = await until(async () => (await receiverState()).tickets.find((t) => t.orderId === orderId), 20_000, 'the ticket reaches the receiver');
      assert.ok(ticket.rootCauses.some((c) => c.id === 'refund'), JSON.stringify(ticket.rootCauses));
      assert.match(ticket.comment, /arrived torn/);
      assert.match(output, new RegExp(`\\[support\\] ticket for order ${orderId}`), 'the runner logs it');
      // The page reads the receiver (its CSP allows that origin for this run) and lists the ticket, as text.
      await page.locator('#ticket-list li').filter({ hasText: `Ticket for ${orderId}` }).waitFor();
      assert.notEqual(await page.locator('#count-tickets').textContent(), '0');
      // The pushed samples' alerts are counted; what only the Node test server records is not shown.
      await until(async () => Number(await page.locator('#count-alerts').textContent()) > 0, 10_000, 'the alerts are counted');
      assert.equal(await page.locator('#count-clicks').isVisible(), false);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test('the printed hosted-page link: the widget for its order under the page\'s own stylesheet, one heading, a counted review-link click; the link for another order is refused', { timeout: 60_000 }, async () => {
    const clicks = async () => {
      const response = await fetch(`${origin}/v1/feedback/clicks?orderId=A-1001`, { headers: { Authorization: `Bearer ${apiKey}` } });
      assert.equal(response.status, 200);
      return (await response.json()).clicks;
    };
    const before = await clicks();
    // The review site is elsewhere (and offline here): answered by the test, so following the link works.
    const { page, problems, close } = await openPage(browser, link, {
      route: (p) => p.context().route('https://reviews.example.com/**', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<title>Reviews</title>' })),
    });
    try {
      page.setDefaultTimeout(15_000);
      await page.locator('reviewloop-feedback form').waitFor();
      assert.equal(await page.locator('reviewloop-feedback').getAttribute('order-id'), 'A-1001');
      assert.equal(await page.locator('reviewloop-feedback').getAttribute('invite-click-endpoint'), '/v1/feedback/click');
      assert.match(await page.locator('header').textContent(), /Fernhill Outfitters/);
      // One heading asks the question (the widget's); the page's names the order.
      assert.equal(await page.getByRole('heading', { name: 'How was your order?' }).count(), 1);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Your order A-1001');
      // The inline stylesheet applies (allowed by its hash): the page's background and column, the widget themed by it.
      const look = await page.evaluate(() => ({
        background: getComputedStyle(document.body).backgroundColor,
        width: document.querySelector('main').getBoundingClientRect().width,
        accent: getComputedStyle(document.querySelector('reviewloop-feedback')).getPropertyValue('--reviewloop-accent').trim(),
      }));
      assert.deepEqual(look, { background: 'rgb(244, 245, 247)', width: 576, accent: '#2f4f8f' });
      assert.deepEqual(await axeViolations(page), []);
      // A happy answer, then the review link: the widget's beacon reaches the Worker and is counted.
      await page.getByRole('group', { name: 'Did your order arrive as expected?' }).getByLabel('Yes').check();
      await page.getByRole('group', { name: 'How satisfied are you with the product?' }).locator('input[value="5"]').check();
      const posted = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/feedback' && r.request().method() === 'POST');
      await page.getByRole('button', { name: 'Send answers' }).click();
      assert.equal((await posted).status(), 200);
      const review = page.getByRole('link', { name: /Write a review/ });
      assert.equal(await review.getAttribute('href'), 'https://reviews.example.com/write/reviewloop-demo');
      await review.click();
      await until(async () => (await clicks()) === before + 1, 10_000, 'the click is counted');
      assert.deepEqual(await page.evaluate(() => window.cspViolations ?? []), []);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
    const moved = await fetch(link.replace('/A-1001?', '/A-1002?'), { headers: { Accept: 'text/html' } });
    assert.equal(moved.status, 403);
    assert.match(await moved.text(), /This link can't be used/);
  });

  test('the triage, admin and dashboard pages load from the Worker with no console error or CSP violation', { timeout: 60_000 }, async () => {
    for (const [path, ready] of [['/', '#announcer'], ['/admin.html', 'body[data-ready="true"]'], ['/dashboard.html', 'h1']]) {
      const { page, problems, close } = await openPage(browser, `${origin}${path}`);
      try {
        await page.waitForSelector(ready, { timeout: 15_000 });
        await page.waitForLoadState('networkidle');
        assert.deepEqual(await page.evaluate(() => window.cspViolations), [], path);
        assert.deepEqual(problems, [], path);
        // The pages say in #notice when their engine could not load (a build missing from the assets).
        assert.equal(await page.evaluate(() => document.getElementById('notice')?.hidden ?? true), true, path);
      } finally {
        await close();
      }
    }
  });

  test('the API takes the printed key and refuses calls without it; the pushed samples arrived as alerts', { timeout: 60_000 }, async () => {
    const call = (headers) => fetch(`${origin}/v1/classify`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ text: 'Arrived broken, still no refund.', rating: 1 }),
    });
    const ok = await call({ Authorization: `Bearer ${apiKey}` });
    assert.equal(ok.status, 200);
    assert.ok((await ok.json()).categories.some((c) => c.id === 'refund'));
    const refused = await call({});
    assert.equal(refused.status, 401);
    assert.equal((await refused.json()).error.code, 'missing_api_key');
    const { alerts, refused: unsigned } = await until(async () => {
      const state = await receiverState();
      return state.alerts.length > 0 && state;
    }, 20_000, 'the sample alerts arrive');
    assert.ok(alerts.every((a) => ['urgent', 'high'].includes(a.classification.priority)));
    assert.equal(unsigned, 0, 'every delivery was correctly signed');
  });

  test('Ctrl-C stops the Worker, workerd and the receiver: nothing is left running', { timeout: 60_000 }, async () => {
    const below = descendants(demo.pid);
    assert.ok(below.some((pid) => /workerd/.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))), 'workerd runs under the demo');
    const exited = new Promise((resolve) => demo.once('exit', (code, signal) => resolve({ code, signal })));
    demo.kill('SIGINT');
    assert.deepEqual(await exited, { code: 0, signal: null });
    await until(() => below.every((pid) => !alive(pid)), 10_000, `every process is gone: ${below.filter(alive).join(', ')}`);
    await assert.rejects(fetch(receiverLog), 'the receiver is closed');
    await assert.rejects(fetch(`${origin}/`), 'the Worker is gone');
  });
});
