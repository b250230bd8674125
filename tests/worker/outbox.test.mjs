// The Outbox's shards under many keys: thousands of feedback keys in one
// local workerd all answered 200 (with one Durable Object per key, workerd ran
// out of SQLite memory after about 2,850), every ticket among them delivered
// once, earlier keys still remembered; and answers forgotten after their
// retention.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Receiver, postJson, startWorker } from './helpers.mjs';

const KEYS = 3000;
const PARALLEL = 16;

let worker;
let support;

before(async () => {
  support = new Receiver();
  await support.start();
  worker = await startWorker({ SUPPORT_WEBHOOK_URL: support.url });
});
after(async () => {
  await worker?.dispose();
  await support?.stop();
});

const run = `${process.pid}-${Date.now()}`;
/** Every tenth form is unhappy, so a tenth of the keys owe a ticket. */
const answersFor = (n) => (n % 10 === 0
  ? { orderId: `M-${n}`, satisfaction: 1, comment: `Order ${n} arrived broken.` }
  : { orderId: `M-${n}`, satisfaction: 5, arrivedAsExpected: true });

function send(worker, key, answers) {
  return worker.fetch('/v1/feedback', postJson({ idempotencyKey: key, answers }, { 'Idempotency-Key': key }));
}

describe('many keys', () => {
  test(`${KEYS} feedback keys in one workerd: every one answered 200, every ticket delivered once, earlier keys still remembered`, { timeout: 180_000 }, async () => {
    const statuses = new Map();
    let next = 0;
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      while (next < KEYS) {
        const n = next;
        next += 1;
        const response = await send(worker, `many-${run}-${n}`, answersFor(n));
        const body = await response.json();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 200) assert.equal(body.ticket, n % 10 === 0, `order ${n}`);
      }
    }));
    assert.deepEqual([...statuses], [[200, KEYS]], 'every key answered 200');

    const tickets = Array.from({ length: KEYS / 10 }, (_, i) => `feedback:many-${run}-${i * 10}`);
    await support.waitFor(tickets, 60_000);
    const ours = [...support.received.keys()].filter((k) => k.startsWith(`feedback:many-${run}-`));
    assert.deepEqual(ours.sort(), [...tickets].sort(), 'one ticket per unhappy key, none for the happy ones');

    // The first keys, sent thousands of keys ago, are still kept: repeats replay, other answers conflict.
    for (const n of [0, 1, 7, 10]) {
      const again = await send(worker, `many-${run}-${n}`, answersFor(n));
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('Idempotent-Replayed'), 'true');
      assert.equal((await again.json()).ticket, n % 10 === 0);
      const other = await send(worker, `many-${run}-${n}`, { orderId: `M-${n}`, satisfaction: 3 });
      assert.equal(other.status, 422);
    }
    await new Promise((r) => setTimeout(r, 500));
    const attempts = support.attempts.filter((a) => a.key.startsWith(`feedback:many-${run}-`));
    assert.equal(attempts.length, tickets.length, 'one attempt per ticket: the receiver was up, nothing was sent twice');
  });
});

describe('retention', () => {
  let shortLived;
  before(async () => { shortLived = await startWorker({ SUPPORT_WEBHOOK_URL: support.url, IDEMPOTENCY_RETENTION_SECONDS: '1' }); });
  after(async () => { await shortLived?.dispose(); });

  test('an answer is remembered for IDEMPOTENCY_RETENTION_SECONDS, then the key is new again', async () => {
    const key = `retention-${run}`;
    assert.equal((await send(shortLived, key, { orderId: 'R-1', satisfaction: 5 })).status, 200);
    const repeat = await send(shortLived, key, { orderId: 'R-1', satisfaction: 5 });
    assert.equal(repeat.headers.get('Idempotent-Replayed'), 'true');
    assert.equal((await send(shortLived, key, { orderId: 'R-1', satisfaction: 4 })).status, 422, 'within retention: a conflict');
    await new Promise((r) => setTimeout(r, 1600));
    const later = await send(shortLived, key, { orderId: 'R-1', satisfaction: 4 });
    assert.equal(later.status, 200, 'past retention the key is free again');
    assert.equal(later.headers.get('Idempotent-Replayed'), null);
  });

  test('a ticket still owed is kept past retention and delivered once its receiver answers', async () => {
    support.status = 503;
    const key = `owed-${run}`;
    assert.equal((await send(shortLived, key, { orderId: 'R-2', satisfaction: 1, comment: 'Broken on arrival.' })).status, 200);
    await new Promise((r) => setTimeout(r, 1600)); // past the 1 s retention, several failed attempts
    const tries = () => support.attempts.filter((a) => a.key === `feedback:${key}`).length;
    assert.ok(tries() >= 2, `retried while failing (${tries()} attempts)`);
    // Still owed, so still remembered: the repeat replays rather than making a second ticket.
    const repeat = await send(shortLived, key, { orderId: 'R-2', satisfaction: 1, comment: 'Broken on arrival.' });
    assert.equal(repeat.headers.get('Idempotent-Replayed'), 'true');
    support.status = 200;
    const failed = tries();
    const deadline = Date.now() + 10_000;
    while (tries() === failed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(tries(), failed + 1, 'one more attempt, answered 2xx, then none');
  });
});
