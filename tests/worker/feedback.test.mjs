// POST /v1/feedback and the hosted feedback page in workerd: the invitation
// for everyone, signed tickets for unhappy answers, idempotency on the
// widget's key, and the page's token, markup and headers.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import * as reviewloop from '../../js/index.js';
import { feedbackLinkToken } from '../../js/lib/signatures.js';
import { REVIEW_URL, Receiver, SECRETS, STORE_ORIGIN, assertError, assertStillServes, postJson, startWorker } from './helpers.mjs';

let worker;
let receiver;
let keys = 0;
const newKey = () => `test-${process.pid}-${(keys += 1)}`;

before(async () => {
  await reviewloop.init();
  receiver = new Receiver();
  await receiver.start();
  worker = await startWorker({ SUPPORT_WEBHOOK_URL: receiver.url, SUPPORT_RESPONSE_TIME: 'within one business day', SHOP_NAME: 'Acme <Goods>' });
  // The invitation a customer with no complaint gets: every other answer must get exactly this.
  INVITATION = (await (await sendFeedback({ orderId: 'baseline' })).json()).invitation;
});
after(async () => {
  await worker?.dispose();
  await receiver?.stop();
});

function sendFeedback(answers, key = newKey(), headers = {}) {
  return worker.fetch('/v1/feedback', postJson({ idempotencyKey: key, answers }, { 'Idempotency-Key': key, Origin: STORE_ORIGIN, ...headers }));
}

const HAPPY = { orderId: '1001', arrivedAsExpected: true, deliverySmooth: true, satisfaction: 5, needsHelp: false, comment: 'Perfect, thank you!' };
const UNHAPPY = { orderId: '1002', arrivedAsExpected: false, satisfaction: 1, comment: 'The mug arrived shattered and the box was soaked.', carrier: 'ParcelCo' };
// The invitation's wording is the core's; what matters here is that it is the same for everyone.
let INVITATION;

describe('POST /v1/feedback', () => {
  test('a happy customer gets the invitation and no ticket is sent', async () => {
    const key = newKey();
    const response = await sendFeedback(HAPPY, key);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('Access-Control-Allow-Origin'), STORE_ORIGIN);
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), ['invitation', 'received', 'ticket']);
    assert.equal(body.received, true);
    assert.equal(body.ticket, false);
    assert.equal(body.invitation.url, REVIEW_URL);
    assert.match(body.invitation.text, /^Tell other shoppers about your experience\.?$/, 'neutral wording (compliance.md)');
    assert.deepEqual(body.invitation, INVITATION);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!receiver.attempts.some((a) => a.key === `feedback:${key}`));
  });

  test('an unhappy customer gets the same invitation, a follow-up, and a signed ticket reaches support', async () => {
    const key = newKey();
    const response = await sendFeedback(UNHAPPY, key);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.received, true);
    assert.equal(body.ticket, true);
    assert.deepEqual(body.invitation, INVITATION, 'never gated: the same invitation whatever the answers');
    assert.match(body.followUp, /within one business day/, 'the follow-up carries SUPPORT_RESPONSE_TIME');

    await receiver.waitFor([`feedback:${key}`]);
    const delivered = receiver.received.get(`feedback:${key}`);
    assert.equal(delivered.type, 'feedback.ticket');
    assert.equal(delivered.idempotencyKey, key);
    assert.equal(delivered.ticket.orderId, '1002');
    assert.deepEqual(delivered.ticket.answers, UNHAPPY);
    assert.ok(delivered.ticket.rootCauses.some((c) => c.id === 'damaged_in_transit'), JSON.stringify(delivered.ticket.rootCauses));
    assert.ok(['normal', 'high', 'urgent'].includes(delivered.ticket.priority));
    assert.ok(receiver.attempts.filter((a) => a.key === `feedback:${key}`).every((a) => a.verdict === 'ok'), 'signed with WEBHOOK_SIGNING_SECRET');
  });

  test('every kind of unhappy answer makes a ticket, and each still gets the invitation', async () => {
    const cases = [
      { orderId: 'u1', arrivedAsExpected: false },
      { orderId: 'u2', deliverySmooth: false },
      { orderId: 'u3', satisfaction: 2 },
      { orderId: 'u4', needsHelp: true },
      { orderId: 'u5', comment: 'Still waiting for my refund, nobody answers my emails.' },
    ];
    for (const answers of cases) {
      const body = await (await sendFeedback(answers)).json();
      assert.equal(body.ticket, true, JSON.stringify(answers));
      assert.deepEqual(body.invitation, INVITATION);
    }
  });

  test('the same key again answers the same result and sends no second ticket', async () => {
    const key = newKey();
    const first = await sendFeedback(UNHAPPY, key);
    const firstBody = await first.json();
    await receiver.waitFor([`feedback:${key}`]);
    const second = await sendFeedback(UNHAPPY, key);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('Idempotent-Replayed'), 'true');
    assert.deepEqual(await second.json(), firstBody);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(receiver.attempts.filter((a) => a.key === `feedback:${key}`).length, 1, 'one delivery for one key');
  });

  test('two requests with one key at the same moment make one ticket', async () => {
    const key = newKey();
    const answers = { ...UNHAPPY, orderId: 'race' };
    const bodies = await Promise.all(Array.from({ length: 8 }, () => sendFeedback(answers, key).then((r) => r.json())));
    for (const body of bodies) assert.deepEqual(body, bodies[0]);
    await receiver.waitFor([`feedback:${key}`]);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(receiver.attempts.filter((a) => a.key === `feedback:${key}`).length, 1);
  });

  test('a key reused for other answers is refused (422), not silently answered', async () => {
    const key = newKey();
    assert.equal((await sendFeedback(HAPPY, key)).status, 200);
    await assertError(await sendFeedback({ ...HAPPY, satisfaction: 1 }, key), 422, 'idempotency_key_reused');
  });

  test('the verdict is the server\'s: a client claiming happiness with unhappy answers still makes a ticket', async () => {
    const key = newKey();
    const response = await worker.fetch('/v1/feedback', postJson({ idempotencyKey: key, answers: UNHAPPY, unhappy: false, ticket: null }, { 'Idempotency-Key': key }));
    assert.equal((await response.json()).ticket, true);
  });

  test('bad requests: missing key, differing keys, missing or mistyped answers', async () => {
    await assertError(await worker.fetch('/v1/feedback', postJson({ answers: HAPPY })), 422, 'missing_field');
    await assertError(await worker.fetch('/v1/feedback', postJson({ idempotencyKey: 'a', answers: HAPPY }, { 'Idempotency-Key': 'b' })), 422, 'invalid_field');
    await assertError(await worker.fetch('/v1/feedback', postJson({ idempotencyKey: 'has space', answers: HAPPY })), 422, 'invalid_field');
    await assertError(await worker.fetch('/v1/feedback', postJson({ idempotencyKey: newKey() })), 422, 'missing_field');
    await assertError(await worker.fetch('/v1/feedback', postJson({ idempotencyKey: newKey(), answers: 'great' })), 422, 'invalid_field');
    const noOrder = await assertError(await sendFeedback({ satisfaction: 4 }), 422, 'invalid_answers');
    assert.match(noOrder.message, /orderId/);
    const mistyped = await assertError(await sendFeedback({ orderId: '9', satisfaction: 'five' }), 422, 'invalid_answers');
    assert.match(mistyped.message, /satisfaction|"five"/, 'the message points at the wrong answer');
    await assertError(await sendFeedback({ orderId: '9', satisfaction: 9 }), 422, 'invalid_answers');
    await assertStillServes(worker);
  });
});

describe('POST /v1/feedback/click (review-link clicks)', () => {
  /** What the widget's sendBeacon sends: its JSON as text/plain, from the shop's page. */
  const beacon = (body, origin = STORE_ORIGIN) => worker.fetch('/v1/feedback/click', {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: origin },
    body: JSON.stringify(body),
  });
  const counted = async (orderId) => (await (await worker.fetch(`/v1/feedback/clicks?orderId=${encodeURIComponent(orderId)}`)).json()).clicks;

  test('a click is counted once per answered form: repeats are replays, other forms and a keyless click add one each', async () => {
    const orderId = `click-${newKey()}`;
    const first = await beacon({ orderId, idempotencyKey: 'form-1', url: REVIEW_URL });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('Access-Control-Allow-Origin'), STORE_ORIGIN);
    assert.deepEqual(await first.json(), { orderId, clicks: 1 });
    const again = await beacon({ orderId, idempotencyKey: 'form-1', url: REVIEW_URL });
    assert.equal(again.headers.get('Idempotent-Replayed'), 'true');
    assert.deepEqual(await again.json(), { orderId, clicks: 1 });
    assert.equal((await (await beacon({ orderId, idempotencyKey: 'form-2' })).json()).clicks, 2);
    assert.equal((await (await beacon({ orderId, idempotencyKey: '' })).json()).clicks, 3, 'a click with no form key (the widget lost it) counts once');
    assert.equal((await (await beacon({ orderId })).json()).clicks, 3);
    assert.equal(await counted(orderId), 3);
    assert.equal(await counted(`${orderId}-other`), 0, 'counts are per order');
    // Sent as JSON by a server rather than a beacon: the same route.
    const served = await worker.fetch('/v1/feedback/click', postJson({ orderId, idempotencyKey: 'form-3' }));
    assert.equal((await served.json()).clicks, 4);
  });

  test('the same click at the same moment is counted once', async () => {
    const orderId = `race-${newKey()}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => beacon({ orderId, idempotencyKey: 'form-1' }).then((r) => r.json())));
    assert.ok(answers.every((a) => a.clicks === 1), JSON.stringify(answers));
    assert.equal(await counted(orderId), 1);
  });

  test('no gating: a click changes neither the invitation nor the ticket of that order\'s answers', async () => {
    const orderId = `gate-${newKey()}`;
    await beacon({ orderId, idempotencyKey: 'form-1' });
    const unhappy = await (await sendFeedback({ ...UNHAPPY, orderId })).json();
    assert.equal(unhappy.ticket, true);
    assert.deepEqual(unhappy.invitation, INVITATION);
    const happy = await (await sendFeedback({ ...HAPPY, orderId })).json();
    assert.deepEqual(happy.invitation, INVITATION);
  });

  test('bad clicks: no or mistyped order, a bad key, another origin, HTML, GET; the isolate goes on', async () => {
    await assertError(await beacon({ idempotencyKey: 'k' }), 422, 'missing_field');
    await assertError(await beacon({ orderId: 42 }), 422, 'invalid_field');
    await assertError(await beacon({ orderId: 'x'.repeat(201) }), 422, 'invalid_field');
    await assertError(await beacon({ orderId: 'A-1', idempotencyKey: 'has space' }), 422, 'invalid_field');
    await assertError(await beacon(['A-1']), 422, 'invalid_field');
    await assertError(await beacon({ orderId: 'A-1' }, 'https://elsewhere.example'), 403, 'origin_not_allowed');
    await assertError(await worker.fetch('/v1/feedback/click', { method: 'POST', headers: { 'Content-Type': 'text/html' }, body: '{}' }), 415, 'unsupported_media_type');
    await assertError(await worker.fetch('/v1/feedback/click', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'clicked' }), 400, 'invalid_json');
    await assertError(await worker.fetch('/v1/feedback/click'), 405, 'method_not_allowed');
    await assertError(await worker.fetch('/v1/feedback/clicks'), 422, 'missing_field');
    await assertStillServes(worker);
  });
});

describe('GET /feedback/{order}', () => {
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
  const link = async (order, expires = inAnHour(), secret = SECRETS.FEEDBACK_LINK_SECRET) =>
    `/feedback/${encodeURIComponent(order)}?t=${await feedbackLinkToken(secret, order, expires)}`;

  test('a valid link serves the page with the widget, bound to its order', async () => {
    const response = await worker.fetch(await link('1001'));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('Content-Type'), /^text\/html/);
    const html = await response.text();
    assert.match(html, /<script type="module" src="\/js\/widget.js"><\/script>/);
    assert.match(html, /<reviewloop-feedback order-id="1001" endpoint="\/v1\/feedback" review-url="https:\/\/shop.example\/reviews\/write" invite-click-endpoint="\/v1\/feedback\/click" response-time="within one business day"><\/reviewloop-feedback>/);
    assert.match(html, /Acme &lt;Goods&gt;/, 'the shop name is escaped');
    // One heading asks the question: the widget's own; the page's names the order.
    assert.deepEqual([...html.matchAll(/<h1>([^<]*)<\/h1>/g)].map((m) => m[1]), ['Your order 1001']);
    assert.doesNotMatch(html, /How was your order\?/);
    assert.match(html, /<noscript><p class="card"><a href="https:\/\/shop.example\/reviews\/write">Tell other shoppers about your experience\.?<\/a>/, 'the invitation works without scripts too');
  });

  test('the page\'s headers: a strict CSP with no inline script, no referrer (the token is in the URL), no caching', async () => {
    const response = await worker.fetch(await link('1001'));
    const csp = response.headers.get('Content-Security-Policy');
    assert.ok(csp, 'a Content-Security-Policy');
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
    assert.ok(!csp.includes("'unsafe-inline'") && !csp.includes("'unsafe-eval'"));
    // The one inline stylesheet is allowed by its hash, and only that one.
    const html = await response.clone().text();
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
    assert.equal(styles.length, 1, 'one stylesheet, inline');
    const digest = createHash('sha256').update(styles[0], 'utf8').digest('base64');
    assert.deepEqual(directives['style-src'], ["'self'", `'sha256-${digest}'`]);
    assert.deepEqual(directives['connect-src'], ["'self'"]);
    assert.deepEqual(directives['frame-ancestors'], ["'none'"]);
    assert.equal(response.headers.get('Referrer-Policy'), 'no-referrer');
    assert.equal(response.headers.get('Cache-Control'), 'no-store');
    assert.equal(response.headers.get('X-Content-Type-Options'), 'nosniff');
    assert.doesNotMatch(await response.text(), /<script>|<style [^>]*>| style=| on\w+=/i, 'nothing inline that the CSP would block');
  });

  test('an order id with markup in it is escaped, never markup', async () => {
    const order = '"><img src=x onerror=alert(1)>';
    const response = await worker.fetch(await link(order));
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.ok(!html.includes('<img'), 'no element from the order id');
    assert.match(html, /order-id="&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;"/);
  });

  test('expired, tampered, other-order, other-secret and missing tokens are 403', async () => {
    const expired = await link('1001', Math.floor(Date.now() / 1000) - 60);
    await assertError(await worker.fetch(expired), 403, 'link_expired');
    const valid = await link('1001');
    const token = new URL(valid, 'http://x').searchParams.get('t');
    const [expires, mac] = token.split('.');
    const flipped = mac[5] === 'A' ? 'B' : 'A';
    await assertError(await worker.fetch(`/feedback/1001?t=${expires}.${mac.slice(0, 5)}${flipped}${mac.slice(6)}`), 403, 'invalid_token');
    await assertError(await worker.fetch(`/feedback/1001?t=${Number(expires) + 86400}.${mac}`), 403, 'invalid_token');
    await assertError(await worker.fetch(`/feedback/1002?t=${token}`), 403, 'invalid_token');
    await assertError(await worker.fetch(await link('1001', inAnHour(), 'another-shop')), 403, 'invalid_token');
    await assertError(await worker.fetch('/feedback/1001'), 403, 'missing_token');
    await assertError(await worker.fetch('/feedback/1001?t=garbage'), 403, 'invalid_token');
    await assertError(await worker.fetch('/feedback/%E0%A4%A?t=1.x'), 404, 'not_found');
    await assertStillServes(worker);
  });

  test('a browser following a bad link gets a page saying what to do, with the same status', async () => {
    const expired = await link('1001', Math.floor(Date.now() / 1000) - 60);
    const response = await worker.fetch(expired, { headers: { Accept: 'text/html,application/xhtml+xml' } });
    assert.equal(response.status, 403);
    assert.match(response.headers.get('Content-Type'), /^text\/html/);
    assert.ok(response.headers.get('Content-Security-Policy'));
    assert.match(await response.text(), /expired: ask the shop for a new one/);
  });

  test('HEAD answers the headers without the page', async () => {
    const response = await worker.fetch(await link('1001'), { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.ok(response.headers.get('Content-Security-Policy'));
    assert.equal(await response.text(), '');
  });
});
