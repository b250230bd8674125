// The feedback widget end to end: demo/order-status.html in headless Chromium,
// answers going to the demo endpoint (demo/feedback-endpoint.js), axe-core on
// every state. Needs `make build` and Chromium (`make setup-browser`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { axeViolations, useDemo } from './server.mjs';

const REVIEW_URL = 'https://reviews.example.com/write/reviewloop-demo';
const INVITATION = 'Tell other shoppers about your experience.';

const site = useDemo();
let orders = 0;

/** A fresh order id per test, so tests never see each other's records. */
const newOrder = () => `T-${process.pid}-${++orders}`;

async function endpointLog() {
  const res = await fetch(`${site.origin}/api/feedback/log`);
  return res.json();
}

async function forOrder(orderId) {
  const log = await endpointLog();
  return {
    submissions: log.submissions.filter((s) => s.answers?.orderId === orderId),
    tickets: log.tickets.filter((t) => t.orderId === orderId),
    clicks: log.inviteClicks.filter((c) => c.orderId === orderId),
  };
}

/** The order-status page for a new order, with problems recorded. */
async function openOrder({ orderId = newOrder(), offline = false } = {}) {
  const context = await site.browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone first
  await context.route('https://reviews.example.com/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>Review</title>' }));
  // The demo page leaves review-link clicks unreported (the Worker records none);
  // the Node server's endpoint records them, so the widget's report is tested here.
  await context.route('**/order-status.html?*', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('<reviewloop-feedback', '<reviewloop-feedback invite-click-endpoint="/api/feedback/invite-click"');
    await route.fulfill({ response, body });
  });
  const page = await context.newPage();
  const problems = [];
  const posts = [];
  page.on('console', (m) => {
    // A failed request is logged by Chromium itself; the tests provoke those on purpose.
    if (m.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/feedback') posts.push(r.postDataJSON());
  });
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  await page.goto(`${site.origin}/order-status.html?order=${orderId}`);
  await page.locator('reviewloop-feedback form').waitFor();
  if (offline) await context.setOffline(true);
  return { context, page, orderId, problems, posts, close: () => context.close() };
}

/** Polls `check` until it returns something truthy (5 s at most). */
async function until(check) {
  for (let i = 0; i < 50; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`still not true after 5 s: ${check}`);
}

const group = (page, name) => page.getByRole('group', { name });

async function answer(page, { arrived, smooth, satisfaction, help, comment }) {
  if (arrived !== undefined) await group(page, 'Did your order arrive as expected?').getByLabel(arrived ? 'Yes' : 'No').check();
  if (smooth !== undefined) await group(page, 'Was the delivery smooth?').getByLabel(smooth ? 'Yes' : 'No').check();
  if (satisfaction !== undefined) await group(page, 'How satisfied are you with the product?').locator(`input[value="${satisfaction}"]`).check();
  if (help !== undefined) await group(page, 'Do you need help with anything?').getByLabel(help ? 'Yes' : 'No').check();
  if (comment !== undefined) await page.getByLabel('Anything else you would like to tell us? (optional)').fill(comment);
}

const status = (page) => page.locator('reviewloop-feedback .status');

async function expectClean(page, problems, state) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${state}`);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), [], `CSP on ${state}`);
  assert.deepEqual(problems, [], `console on ${state}`);
}

describe('feedback widget', () => {
  test('happy path: thanks and the review invitation, no ticket, the click recorded', async () => {
    const { page, orderId, problems, close } = await openOrder();
    await expectClean(page, problems, 'the questions');
    await answer(page, { arrived: true, smooth: true, satisfaction: 5, help: false, comment: 'Lovely jumper, fits perfectly.' });
    await page.getByRole('button', { name: 'Send answers' }).click();
    await page.getByRole('heading', { name: 'Thank you for your answers.' }).waitFor();
    assert.equal(await page.locator('reviewloop-feedback .invitation p').textContent(), INVITATION);
    const link = page.getByRole('link', { name: /Write a review/ });
    assert.equal(await link.getAttribute('href'), REVIEW_URL);
    await page.waitForTimeout(1000); // the decision follows the thanks
    assert.equal(await page.locator('reviewloop-feedback .help').textContent(), '', 'no help message for a happy customer');
    await status(page).filter({ hasText: 'Your answers have reached the shop.' }).waitFor();
    await expectClean(page, problems, 'the thanks (happy)');
    const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
    await popup.close();
    const seen = await until(async () => {
      const s = await forOrder(orderId);
      return s.clicks.length > 0 && s;
    });
    assert.equal(seen.submissions.length, 1);
    assert.equal(seen.submissions[0].unhappy, false);
    assert.equal(seen.tickets.length, 0);
    assert.equal(seen.clicks.length, 1);
    assert.equal(seen.clicks[0].url, REVIEW_URL);
    await close();
  });

  test('unhappy path: one ticket with the right root causes, help on its way, and still the invitation', async () => {
    const { page, orderId, problems, posts, close } = await openOrder();
    await answer(page, {
      arrived: false, smooth: false, satisfaction: 1, help: true,
      comment: 'The box was crushed and the glass cracked. Still waiting for my refund.',
    });
    // A double click: both clicks land before the form is replaced.
    await page.locator('reviewloop-feedback button[type="submit"]').evaluate((b) => { b.click(); b.click(); });
    await page.getByRole('heading', { name: 'Thank you for your answers.' }).waitFor();
    await page.locator('reviewloop-feedback .help')
      .filter({ hasText: 'Help is on its way: our support team will contact you within 4 hours.' }).waitFor();
    assert.equal(await page.locator('reviewloop-feedback .invitation p').textContent(), INVITATION);
    assert.equal(await page.getByRole('link', { name: /Write a review/ }).getAttribute('href'), REVIEW_URL);
    await status(page).filter({ hasText: 'reached the shop' }).waitFor();
    await expectClean(page, problems, 'the thanks (unhappy)');
    assert.equal(posts.length, 1, 'a double click sends once');
    assert.match(posts[0].idempotencyKey, /^[0-9a-f]{32}$/);
    const seen = await forOrder(orderId);
    assert.equal(seen.tickets.length, 1);
    const ticket = seen.tickets[0];
    const causes = ticket.rootCauses.map((c) => c.id);
    assert.ok(causes.includes('damaged_in_transit') && causes.includes('refund'), causes.join());
    assert.equal(ticket.priority, 'high');
    assert.equal(ticket.answers.carrier, 'Parcelforce', 'the page context travels with the answers');
    assert.match(ticket.suggestedResponse, /arrived damaged/);
    await close();
  });

  test('offline, then online: the answers arrive exactly once, and a reload does not send them again', async () => {
    const { context, page, orderId, problems, posts, close } = await openOrder({ offline: true });
    await answer(page, { satisfaction: 2, comment: 'It runs two sizes small.' });
    await page.getByRole('button', { name: 'Send answers' }).click();
    await page.getByRole('link', { name: /Write a review/ }).waitFor(); // the invitation does not wait for the network
    await status(page).filter({ hasText: 'You are offline.' }).waitFor();
    await expectClean(page, problems, 'offline');
    const stored = await page.evaluate((id) => JSON.parse(localStorage.getItem(`reviewloop.feedback.${id}`)), orderId);
    assert.equal(stored.status, 'pending');
    assert.equal(stored.answers.comment, 'It runs two sizes small.');
    await new Promise((r) => setTimeout(r, 2500)); // a retry or two while offline
    assert.equal((await forOrder(orderId)).submissions.length, 0);
    await context.setOffline(false);
    await status(page).filter({ hasText: 'reached the shop' }).waitFor({ timeout: 15_000 });
    const after = await page.evaluate((id) => JSON.parse(localStorage.getItem(`reviewloop.feedback.${id}`)), orderId);
    assert.equal(after.status, 'sent');
    assert.equal(after.answers, undefined, 'no customer text kept once delivered');
    await page.reload();
    await page.getByRole('heading', { name: 'Thank you for your answers.' }).waitFor();
    await new Promise((r) => setTimeout(r, 500));
    const seen = await forOrder(orderId);
    assert.equal(seen.submissions.length, 1);
    assert.equal(seen.tickets.length, 1);
    assert.equal(new Set(posts.map((p) => p.idempotencyKey)).size, 1, 'every attempt carried the same key');
    await close();
  });

  test('5xx, slow and 4xx answers: clear messages, retried until accepted once, refusals kept', async () => {
    const { page, orderId, posts, close } = await openOrder();
    let calls = 0;
    await page.route('**/v1/feedback', async (route) => {
      calls += 1;
      if (calls === 1) return route.fulfill({ status: 503, body: 'down' });
      if (calls === 2) await new Promise((r) => setTimeout(r, 5000)); // slower than the widget's patience for a message
      return route.continue();
    });
    await answer(page, { satisfaction: 4 });
    await page.getByRole('button', { name: 'Send answers' }).click();
    await status(page).filter({ hasText: '(HTTP 503)' }).waitFor();
    await status(page).filter({ hasText: 'taking a while' }).waitFor({ timeout: 10_000 });
    await status(page).filter({ hasText: 'reached the shop' }).waitFor({ timeout: 15_000 });
    assert.equal((await forOrder(orderId)).submissions.length, 1);
    assert.equal(new Set(posts.map((p) => p.idempotencyKey)).size, 1);
    await close();

    const refused = await openOrder();
    await refused.page.route('**/v1/feedback', (route) => route.fulfill({ status: 422, body: '{}' }));
    await answer(refused.page, { help: true });
    await refused.page.getByRole('button', { name: 'Send answers' }).click();
    await status(refused.page).filter({ hasText: 'could not accept your answers (HTTP 422)' }).waitFor();
    const kept = await refused.page.evaluate((id) => JSON.parse(localStorage.getItem(`reviewloop.feedback.${id}`)), refused.orderId);
    assert.equal(kept.status, 'rejected');
    assert.equal(kept.answers.needsHelp, true);
    assert.ok(refused.problems.some((p) => /refused the answers with HTTP 422/.test(p)));
    await refused.close();
  });

  test('keyboard alone: every question, the comment, send, then the review link', async () => {
    const { page, orderId, close } = await openOrder();
    const focused = () => page.evaluate(() => {
      let e = document.activeElement;
      while (e?.shadowRoot?.activeElement) e = e.shadowRoot.activeElement;
      return { tag: e?.tagName, name: e?.name ?? null, value: e?.value ?? null, outline: e ? getComputedStyle(e).outlineStyle : null };
    });
    for (let i = 0; i < 10 && (await focused()).name !== 'arrivedAsExpected'; i++) await page.keyboard.press('Tab');
    assert.equal((await focused()).name, 'arrivedAsExpected');
    assert.notEqual((await focused()).outline, 'none', 'visible focus');
    await page.keyboard.press('Space'); // yes
    await page.keyboard.press('Tab');
    assert.equal((await focused()).name, 'deliverySmooth');
    await page.keyboard.press('ArrowRight'); // no
    await page.keyboard.press('Tab');
    assert.equal((await focused()).name, 'satisfaction');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight'); // 1 → 5, wrapping stops at 5
    await page.keyboard.press('ArrowLeft'); // 4
    await page.keyboard.press('Tab');
    assert.equal((await focused()).name, 'needsHelp');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    assert.equal((await focused()).tag, 'TEXTAREA');
    await page.keyboard.type('The courier left it in the rain.');
    await page.keyboard.press('Tab');
    assert.equal((await focused()).tag, 'BUTTON');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Thank you for your answers.' }).waitFor();
    assert.equal((await focused()).tag, 'H2', 'focus moves to the thanks');
    await page.keyboard.press('Tab');
    assert.equal((await focused()).tag, 'A', 'the review link is next');
    await status(page).filter({ hasText: 'reached the shop' }).waitFor();
    const [submission] = (await forOrder(orderId)).submissions;
    assert.deepEqual(
      { a: submission.answers.arrivedAsExpected, d: submission.answers.deliverySmooth, s: submission.answers.satisfaction, h: submission.answers.needsHelp },
      { a: true, d: false, s: 4, h: true },
    );
    await close();
  });

  test('an empty send is refused with an announced message, and axe stays clean', async () => {
    const { page, problems, posts, close } = await openOrder();
    await page.getByRole('button', { name: 'Send answers' }).click();
    const alert = page.locator('reviewloop-feedback [role="alert"]');
    await alert.filter({ hasText: 'Please answer at least one question' }).waitFor();
    await expectClean(page, problems, 'the error');
    assert.equal(posts.length, 0);
    await close();
  });

  test('an HTML and script payload in the comment stays text all the way', async () => {
    const { page, orderId, problems, close } = await openOrder();
    const payload = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> broke after a day';
    await answer(page, { satisfaction: 1, comment: payload });
    await page.getByRole('button', { name: 'Send answers' }).click();
    await status(page).filter({ hasText: 'reached the shop' }).waitFor();
    const [ticket] = (await forOrder(orderId)).tickets;
    assert.equal(ticket.comment, payload);
    // The demo page shows the latest tickets, the comment among them, as text.
    await page.locator('#ticket-list li').filter({ hasText: orderId }).waitFor();
    assert.ok((await page.locator('#ticket-list').textContent()).includes(payload));
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await page.locator('#ticket-list img, reviewloop-feedback img').count(), 0);
    await expectClean(page, problems, 'after the payload');
    await close();
  });

  test('a bad configuration: the widget says it is unavailable and the console says why', async () => {
    const { page, problems, close } = await openOrder();
    const cases = [
      [{ 'order-id': 'X-1', 'review-url': REVIEW_URL }, /no endpoint/],
      [{ 'order-id': 'X-1', endpoint: '/api/feedback' }, /no review link/],
      [{ 'order-id': 'X-1', endpoint: '/api/feedback', 'review-url': REVIEW_URL, locale: 'english' }, /locale "english"/],
      [{ 'order-id': 'X-1', endpoint: '/api/feedback', 'review-url': REVIEW_URL, 'hide-review-link-when-unhappy': 'true' }, /review gating is not allowed/],
      [{ 'order-id': 'X-1', endpoint: '/api/feedback', 'review-url': REVIEW_URL, config: '{"reviewInvite": "happy-only"}' }, /`reviewInvite: "happy-only"` is refused/],
      [{ 'order-id': 'X-1', endpoint: '/api/feedback', 'review-url': REVIEW_URL, config: '{oops' }, /`config` JSON is malformed/],
    ];
    for (const [attributes, why] of cases) {
      problems.length = 0;
      await page.evaluate((attrs) => {
        document.querySelector('reviewloop-feedback')?.remove();
        const el = document.createElement('reviewloop-feedback');
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        document.querySelector('main').append(el);
      }, attributes);
      await page.locator('reviewloop-feedback .unavailable').filter({ hasText: 'not available right now' }).waitFor();
      assert.ok(problems.some((p) => why.test(p)), `${why}: ${problems.join(' | ')}`);
    }
    problems.length = 0;
    assert.deepEqual(await axeViolations(page), [], 'axe on the unavailable state');
    await close();
  });

  test('removing the element tears the widget down; adding it back renders it again', async () => {
    const { page, close } = await openOrder();
    const counts = await page.evaluate(async () => {
      const el = document.querySelector('reviewloop-feedback');
      const parent = el.parentNode;
      el.remove();
      const emptied = el.shadowRoot.childNodes.length;
      const ready = new Promise((r) => el.addEventListener('reviewloop-ready', r, { once: true }));
      parent.append(el);
      await ready;
      return { emptied, again: el.shadowRoot.querySelectorAll('form').length };
    });
    assert.deepEqual(counts, { emptied: 0, again: 1 });
    await close();
  });
});
