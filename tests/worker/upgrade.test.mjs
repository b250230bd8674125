// Deploying the sharded Outbox over the per-key one: the Worker of the last
// commit with one Durable Object per key (taken from git history) keeps
// tickets while support is down; this Worker, started on the same Durable
// Object storage, delivers every one of them through the old objects' own
// alarms. A key answered before the upgrade and repeated after it is a new
// entry in its shard, so its ticket can arrive again under the same
// Idempotency-Key: the receiver keeps one (README, "Deploying over the
// per-key Outbox").
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, Receiver, postJson, startWorker } from './helpers.mjs';

/** The last commit whose Outbox kept one Durable Object per key. */
const PER_KEY_COMMIT = '1bb79fb';

let old = null;
let state = null;
let missing = null;
try {
  execFileSync('git', ['cat-file', '-e', `${PER_KEY_COMMIT}^{commit}`], { cwd: ROOT, stdio: 'ignore' });
} catch {
  missing = `commit ${PER_KEY_COMMIT} is not in this clone's history (a shallow clone?)`;
}

before(() => {
  if (missing !== null) return;
  old = mkdtempSync(join(tmpdir(), 'reviewloop-per-key-'));
  execFileSync('bash', ['-c', `git archive ${PER_KEY_COMMIT} js | tar -x -C "${old}"`], { cwd: ROOT });
  cpSync(join(ROOT, 'js/pkg'), join(old, 'js/pkg'), { recursive: true }); // built, never committed
  state = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'reviewloop-upgrade-'));
});
after(() => {
  if (old !== null) rmSync(old, { recursive: true, force: true });
  if (state !== null) rmSync(state, { recursive: true, force: true });
});

const unhappy = (worker, key, n) => worker.fetch('/v1/feedback', postJson(
  { idempotencyKey: key, answers: { orderId: `U-${n}`, satisfaction: 1, comment: `Order ${n} arrived broken.` } },
  { 'Idempotency-Key': key },
));

test('tickets kept by per-key objects before the upgrade are delivered after it, once each at the receiver', { skip: missing ?? false, timeout: 60_000 }, async () => {
  const support = new Receiver();
  await support.start();
  await support.stop(); // its port, with nothing listening: support is down
  const keys = Array.from({ length: 5 }, (_, n) => `upgrade-${process.pid}-${n}`);
  const before = await startWorker({ SUPPORT_WEBHOOK_URL: support.url }, { scriptPath: join(old, 'js/worker.js'), modulesRoot: join(old, 'js'), durableObjectsPersist: state });
  try {
    for (const [n, key] of keys.entries()) assert.equal((await unhappy(before, key, n)).status, 200);
    const deadline = Date.now() + 5_000;
    while (!before.logs.join('').includes(`delivery feedback:${keys[4]} to support failed`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(before.logs.join('').includes('to support failed'), 'the old Worker tried and kept them');
  } finally {
    await before.dispose();
  }

  await support.start(); // back, on the same port
  const after = await startWorker({ SUPPORT_WEBHOOK_URL: support.url }, { durableObjectsPersist: state });
  try {
    // Nothing wakes the old objects but their own alarms, which this Worker's class answers.
    await support.waitFor(keys.map((k) => `feedback:${k}`), 20_000);
    // A repeat after the upgrade: the shard has not seen the key, so it answers anew and
    // sends the ticket again, under the same Idempotency-Key.
    const repeat = await unhappy(after, keys[0], 0);
    assert.equal(repeat.status, 200);
    assert.equal(repeat.headers.get('Idempotent-Replayed'), null);
    const deadline = Date.now() + 10_000;
    while (support.attempts.filter((a) => a.key === `feedback:${keys[0]}`).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(support.attempts.filter((a) => a.key === `feedback:${keys[0]}`).length, 2, 'sent again after the upgrade');
    assert.equal([...support.received.keys()].filter((k) => keys.some((key) => k === `feedback:${key}`)).length, keys.length, 'one ticket per key at the receiver');
    // And the shard remembers it from now on.
    assert.equal((await unhappy(after, keys[0], 0)).headers.get('Idempotent-Replayed'), 'true');
  } finally {
    await after.dispose();
    await support.stop();
  }
});
