// Configuration from the Worker's environment: a missing setting is named in a
// 500 (never echoed), a malformed one too; a ticket accepted before its
// webhook is configured is kept, through a restart of workerd with new
// settings (as a redeploy), and delivered once the URL is set.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { signTimestamped } from '../../js/lib/signatures.js';
import { Receiver, SECRETS, assertError, postJson, startWorker } from './helpers.mjs';

const UNSET = { REVIEW_URL: '', SUPPORT_WEBHOOK_URL: '', SHOPIFY_WEBHOOK_SECRET: '', REVIEWS_WEBHOOK_SECRET: '', FEEDBACK_LINK_SECRET: '' };
let worker;
let receiver;
let state;

before(async () => {
  state = await mkdtemp(join(tmpdir(), 'reviewloop-worker-state-'));
  receiver = new Receiver();
  await receiver.start();
  worker = await startWorker(UNSET, { durableObjectsPersist: state });
});
after(async () => {
  await worker?.dispose();
  await receiver?.stop();
  await rm(state, { recursive: true, force: true });
});

test('a route whose setting is missing says which one (500 not_configured) and echoes no secret', async () => {
  const feedback = await assertError(await worker.fetch('/v1/feedback', postJson({ idempotencyKey: 'k', answers: { orderId: '1' } })), 500, 'not_configured');
  assert.match(feedback.message, /REVIEW_URL/);
  const page = await assertError(await worker.fetch('/feedback/1?t=1.x'), 500, 'not_configured');
  assert.match(page.message, /REVIEW_URL|FEEDBACK_LINK_SECRET/);
  const signed = await signTimestamped('x', '{}');
  const generic = await assertError(await worker.fetch('/v1/reviews/webhook', postJson('{}', { 'X-Timestamp': signed.timestamp, 'X-Signature': signed.signature })), 500, 'not_configured');
  assert.match(generic.message, /REVIEWS_WEBHOOK_SECRET/);
  const shopify = await assertError(await worker.fetch('/v1/reviews/webhook', postJson('{}', { 'X-Shopify-Hmac-Sha256': 'AAAA' })), 500, 'not_configured');
  assert.match(shopify.message, /SHOPIFY_WEBHOOK_SECRET/);
  for (const secret of Object.values(SECRETS)) assert.ok(!JSON.stringify([feedback, page, generic, shopify]).includes(secret));
});

test('a malformed number in the environment is named (500 misconfigured)', async () => {
  await worker.restart({ ...UNSET, MAX_BODY_BYTES: 'lots' });
  const error = await assertError(await worker.fetch('/v1/classify', postJson({ text: 'fine' })), 500, 'misconfigured');
  assert.match(error.message, /MAX_BODY_BYTES/);
});

test('a ticket taken while SUPPORT_WEBHOOK_URL is unset is kept through a restart and delivered once it is set', async () => {
  await worker.restart({ SUPPORT_WEBHOOK_URL: '' });
  const key = `unset-${process.pid}`;
  const response = await worker.fetch('/v1/feedback', postJson({ idempotencyKey: key, answers: { orderId: 'K-1', needsHelp: true } }, { 'Idempotency-Key': key }));
  assert.equal(response.status, 200, 'the customer is answered');
  assert.equal((await response.json()).ticket, true);
  const deadline = Date.now() + 5000;
  while (!worker.logs.join('').includes(`feedback:${key} to support failed`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.match(worker.logs.join(''), /SUPPORT_WEBHOOK_URL is not set; the support delivery is kept until it is/);

  await worker.restart({ SUPPORT_WEBHOOK_URL: receiver.url });
  await receiver.waitFor([`feedback:${key}`], 15_000);
  assert.equal(receiver.received.get(`feedback:${key}`).ticket.orderId, 'K-1');
});
