// Nothing is lost: tickets and alerts sent while the merchant's receiver is
// down, or too slow to answer, are kept by the Outbox and delivered when it
// comes back, each once from the receiver's point of view.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as reviewloop from '../../js/index.js';
import { signTimestamped } from '../../js/lib/signatures.js';
import { Receiver, SECRETS, postJson, startWorker } from './helpers.mjs';

let worker;
let support;
let alerts;

before(async () => {
  await reviewloop.init();
  support = new Receiver();
  alerts = new Receiver();
  await support.start();
  await alerts.start();
  // Retries after 100 ms, doubling up to 800 ms; a receiver silent for 1.5 s has failed that attempt.
  worker = await startWorker({ SUPPORT_WEBHOOK_URL: support.url, ALERT_WEBHOOK_URL: alerts.url });
});
after(async () => {
  await worker?.dispose();
  await support?.stop();
  await alerts?.stop();
});

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function unhappyFeedback(n) {
  const key = `down-${process.pid}-${n}`;
  const response = await worker.fetch('/v1/feedback', postJson(
    { idempotencyKey: key, answers: { orderId: `o-${n}`, satisfaction: 1, comment: `Order ${n} arrived broken.` } },
    { 'Idempotency-Key': key },
  ));
  assert.equal(response.status, 200, 'the customer is answered whether or not support is up');
  assert.equal((await response.json()).ticket, true);
  return `feedback:${key}`;
}

async function urgentReview(n) {
  const body = JSON.stringify({ review: { id: `r-${n}`, text: `Review ${n}: the heater caught fire and burned the carpet.`, rating: 1 } });
  const signed = await signTimestamped(SECRETS.REVIEWS_WEBHOOK_SECRET, body);
  const response = await worker.fetch('/v1/reviews/webhook', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Timestamp': signed.timestamp, 'X-Signature': signed.signature },
    body,
  });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).alerted, 1);
  return `r-${n}`;
}

test('receivers killed mid-run: every ticket and alert arrives after they come back, once each', async () => {
  const tickets = [];
  const reviews = [];
  // Up: the first few go straight through.
  for (let n = 0; n < 5; n += 1) {
    tickets.push(await unhappyFeedback(n));
    reviews.push(await urgentReview(n));
  }
  await support.waitFor(tickets);

  // Killed mid-run: the rest are accepted while nothing listens.
  await support.stop();
  await alerts.stop();
  for (let n = 5; n < 25; n += 1) {
    tickets.push(await unhappyFeedback(n));
    reviews.push(await urgentReview(n));
  }
  await pause(1500); // several failed attempts each, with backoff
  const missingWhileDown = tickets.filter((k) => !support.received.has(k));
  assert.equal(missingWhileDown.length, 20, 'nothing can arrive while the receiver is down');
  assert.ok(worker.logs.join('').includes(`delivery ${tickets[5]} to support failed`), 'each failed attempt is logged for the merchant');

  // Back on the same port: everything arrives.
  await support.start();
  await alerts.start();
  await support.waitFor(tickets, 20_000);
  const alertKeys = () => new Map([...alerts.received.values()].map((a) => [a.review.id, a]));
  const deadline = Date.now() + 20_000;
  while (reviews.some((id) => !alertKeys().has(id)) && Date.now() < deadline) await pause(50);
  assert.deepEqual(reviews.filter((id) => !alertKeys().has(id)), [], 'every alert arrived');

  // Exactly once from the receiver's view: one key per ticket, each verified, none unexpected.
  assert.deepEqual([...support.received.keys()].sort(), [...tickets].sort());
  assert.equal(alerts.received.size, reviews.length);
  assert.ok([...support.attempts, ...alerts.attempts].every((a) => a.verdict === 'ok'), 'every attempt signed');
  for (const key of tickets) assert.equal(support.received.get(key).idempotencyKey, key.slice('feedback:'.length));

  // Settled: the Outbox stops retrying once delivered.
  await pause(1200);
  const attemptsSettled = support.attempts.length;
  await pause(1200);
  assert.equal(support.attempts.length, attemptsSettled, 'no delivery after the receiver took it');
});

test('a receiver too slow to answer: the ticket is retried with the same key, and the receiver keeps one', async () => {
  support.delayMs = 2500; // longer than DELIVERY_TIMEOUT_MS (1500 ms)
  const key = await unhappyFeedback(100);
  const deadline = Date.now() + 10_000;
  while (support.attempts.filter((a) => a.key === key).length < 2 && Date.now() < deadline) await pause(50);
  support.delayMs = 0;
  const tries = support.attempts.filter((a) => a.key === key);
  assert.ok(tries.length >= 2, `retried after a timeout (${tries.length} attempts)`);
  // Wait until an attempt is answered in time and the Outbox stops.
  await pause(3000);
  const settled = support.attempts.filter((a) => a.key === key).length;
  await pause(1500);
  assert.equal(support.attempts.filter((a) => a.key === key).length, settled, 'settled after a timely answer');
  assert.ok(support.received.has(key));
  assert.equal([...support.received.keys()].filter((k) => k === key).length, 1);
});

test('a receiver answering 500 is retried until it answers 2xx', async () => {
  support.status = 500;
  const key = await unhappyFeedback(200);
  const deadline = Date.now() + 10_000;
  while (support.attempts.filter((a) => a.key === key).length < 3 && Date.now() < deadline) await pause(50);
  assert.ok(support.attempts.filter((a) => a.key === key).length >= 3, 'several attempts while it fails');
  support.status = 200;
  const failedSoFar = support.attempts.filter((a) => a.key === key).length;
  const until = Date.now() + 10_000;
  while (support.attempts.filter((a) => a.key === key).length === failedSoFar && Date.now() < until) await pause(50);
  await pause(2000);
  const total = support.attempts.filter((a) => a.key === key).length;
  assert.equal(total, failedSoFar + 1, 'one more attempt, the successful one, then none');
});
