// POST /v1/reviews/webhook in workerd: Shopify's and the timestamped signature
// schemes, good and bad; replays refused; urgent and high-priority reviews sent
// on to the alert webhook, signed, once per review.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import * as reviewloop from '../../js/index.js';
import { signShopify, signTimestamped } from '../../js/lib/signatures.js';
import { Receiver, SECRETS, assertError, assertStillServes, startWorker } from './helpers.mjs';

const PATH = '/v1/reviews/webhook';
// Our own samples: one urgent (safety), one high, one low.
const URGENT = { id: 'w-fire', text: 'The charger caught fire on the first night and burned my hand.', rating: 1 };
const HIGH = { id: 'w-lost', text: 'My order never arrived. Tracking says delivered but there is no package, still waiting for a refund.', rating: 1 };
const HAPPY = { id: 'w-happy', text: 'Love it, fits perfectly and arrived early.', rating: 5 };

let worker;
let receiver;

before(async () => {
  await reviewloop.init();
  receiver = new Receiver();
  await receiver.start();
  worker = await startWorker({ ALERT_WEBHOOK_URL: receiver.url, REPLAY_WINDOW_SECONDS: '60' });
});
after(async () => {
  await worker?.dispose();
  await receiver?.stop();
});

async function sendTimestamped(payload, { secret = SECRETS.REVIEWS_WEBHOOK_SECRET, timestamp, headers = {} } = {}) {
  const body = JSON.stringify(payload);
  const signed = await signTimestamped(secret, body, timestamp);
  return worker.fetch(PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Timestamp': signed.timestamp, 'X-Signature': signed.signature, ...headers },
    body,
  });
}

async function sendShopify(payload, secret = SECRETS.SHOPIFY_WEBHOOK_SECRET) {
  const body = JSON.stringify(payload);
  return worker.fetch(PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Hmac-Sha256': await signShopify(secret, body), 'X-Shopify-Topic': 'reviews/create' },
    body,
  });
}

describe('signatures', () => {
  test('a good timestamped signature is accepted, with the review read from review-app field names', async () => {
    const response = await sendTimestamped({ review: { id: 'w-1', body: 'Great quality, arrived on time.', stars: '5' } });
    assert.equal(response.status, 200);
    const result = await response.json();
    assert.deepEqual(result.results, [{ id: 'w-1', priority: 'low', alerted: false }]);
  });

  test('a good Shopify signature is accepted', async () => {
    const response = await sendShopify({ reviews: [HAPPY] });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).received, 1);
  });

  test('a Shopify signature made with another secret, or over another body, is 401', async () => {
    await assertError(await sendShopify(HAPPY, 'wrong-secret'), 401, 'bad_signature');
    const body = JSON.stringify(HAPPY);
    const tampered = await worker.fetch(PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Hmac-Sha256': await signShopify(SECRETS.SHOPIFY_WEBHOOK_SECRET, body) },
      body: body.replace('Love', 'Hate'),
    });
    await assertError(tampered, 401, 'bad_signature');
    const garbage = await worker.fetch(PATH, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Shopify-Hmac-Sha256': 'not base64!' }, body });
    await assertError(garbage, 401, 'bad_signature');
    await assertStillServes(worker);
  });

  test('a wrong timestamped signature, or a timestamp moved after signing, is 401', async () => {
    await assertError(await sendTimestamped(HAPPY, { secret: 'wrong-secret' }), 401, 'bad_signature');
    const body = JSON.stringify(HAPPY);
    const signed = await signTimestamped(SECRETS.REVIEWS_WEBHOOK_SECRET, body);
    const moved = await worker.fetch(PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Timestamp': String(Number(signed.timestamp) + 1), 'X-Signature': signed.signature },
      body,
    });
    await assertError(moved, 401, 'bad_signature');
    await assertError(await sendTimestamped(HAPPY, { headers: { 'X-Signature': 'sha256=zz' } }), 401, 'bad_signature');
  });

  test('an unsigned request, or one with half the headers, is 401 and says what to send', async () => {
    const unsigned = await worker.fetch(PATH, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(HAPPY) });
    const error = await assertError(unsigned, 401, 'missing_signature');
    assert.match(error.message, /X-Shopify-Hmac-Sha256/);
    assert.match(error.message, /X-Signature/);
    const half = await worker.fetch(PATH, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Signature': 'sha256=00' }, body: '{}' });
    await assertError(half, 401, 'missing_signature');
    await assertStillServes(worker);
  });

  test('a timestamp outside the window is 401 stale_timestamp, past or future', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertError(await sendTimestamped(HAPPY, { timestamp: now - 120 }), 401, 'stale_timestamp');
    await assertError(await sendTimestamped(HAPPY, { timestamp: now + 120 }), 401, 'stale_timestamp');
  });

  test('a replayed request (same timestamp and signature) is 401 replayed, even within the window', async () => {
    const body = JSON.stringify({ review: { id: 'w-replay', text: 'Fine.' } });
    const signed = await signTimestamped(SECRETS.REVIEWS_WEBHOOK_SECRET, body);
    const send = () => worker.fetch(PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Timestamp': signed.timestamp, 'X-Signature': signed.signature },
      body,
    });
    assert.equal((await send()).status, 200);
    await assertError(await send(), 401, 'replayed');
    await assertError(await send(), 401, 'replayed');
    await assertStillServes(worker);
  });

  test('the signature is checked before the body is parsed: bad JSON with a bad signature is 401, with a good one 400', async () => {
    const body = '{"review": ';
    const bad = await worker.fetch(PATH, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Shopify-Hmac-Sha256': 'AAAA' }, body });
    await assertError(bad, 401, 'bad_signature');
    const good = await worker.fetch(PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Hmac-Sha256': await signShopify(SECRETS.SHOPIFY_WEBHOOK_SECRET, body) },
      body,
    });
    await assertError(good, 400, 'invalid_json');
  });
});

describe('alerts', () => {
  test('urgent and high reviews reach the alert webhook, signed, with their classification; others do not', async () => {
    const expected = [URGENT, HIGH, HAPPY].map((r) => reviewloop.classify(r).priority);
    assert.deepEqual(expected.map((p) => ['urgent', 'high'].includes(p)), [true, true, false], `sample priorities ${expected}`);
    const before = receiver.received.size;
    const response = await sendTimestamped({ reviews: [URGENT, HIGH, HAPPY, { id: 'w-empty', text: '' }] });
    assert.equal(response.status, 200);
    const result = await response.json();
    assert.equal(result.received, 3);
    assert.equal(result.refused, 1);
    assert.equal(result.alerted, 2);
    assert.match(result.results[3].error, /no text/);

    const deadline = Date.now() + 10_000;
    while (receiver.received.size < before + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const alerts = [...receiver.received.values()].filter((a) => a.review && [URGENT.id, HIGH.id].includes(a.review.id));
    assert.equal(alerts.length, 2);
    for (const alert of alerts) {
      assert.equal(alert.type, 'review.alert');
      const source = alert.review.id === URGENT.id ? URGENT : HIGH;
      assert.deepEqual(alert.classification, reviewloop.classify(source));
    }
    assert.ok(receiver.attempts.every((a) => a.verdict === 'ok'), 'every delivery carries a valid X-Reviewloop-Signature');
    assert.ok(![...receiver.received.values()].some((a) => a.review?.id === HAPPY.id), 'no alert for a happy review');
  });

  test('the same review pushed again (a platform retry, new signature) alerts once', async () => {
    const review = { id: 'w-dup', text: 'The blender blade snapped off and cut my finger.', rating: 1 };
    assert.equal(reviewloop.classify(review).priority, 'urgent');
    assert.equal((await sendTimestamped({ review })).status, 200);
    assert.equal((await sendShopify({ review })).status, 200);
    const deadline = Date.now() + 5_000;
    const count = () => receiver.attempts.filter((a) => a.key && [...receiver.received.entries()].some(([k, v]) => k === a.key && v.review?.id === 'w-dup')).length;
    while (count() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // room for a second alert, were one sent
    assert.equal(count(), 1);
  });

  test('a webhook whose reviews are all unreadable is 422 with each reason', async () => {
    const response = await sendTimestamped({ reviews: [{ id: 'a', text: '' }, { id: 'b', rating: 3 }] });
    const error = await assertError(response, 422, 'invalid_review');
    assert.match(error.message, /a: .*no text/);
    assert.match(error.message, /b: /);
  });
});
