// A wasm trap in workerd: the request answers 500 without a stack trace, the
// isolate's wasm instance is rebuilt from the compiled module, and the next
// requests are served by the fresh one. The trap is a real one in the live
// instance, made by a test-only hook (REVIEWLOOP_TEST_HOOKS, never deployed).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { assertError, assertStillServes, postJson, startWorker } from './helpers.mjs';

let worker;
before(async () => { worker = await startWorker({ REVIEWLOOP_TEST_HOOKS: 'wasm-trap' }); });
after(async () => { await worker?.dispose(); });

const rebuilds = async () => (await (await worker.fetch('/__test/wasm')).json()).rebuilds;

test('after a trap the next request is served by a rebuilt instance', async () => {
  await assertStillServes(worker);
  assert.equal(await rebuilds(), 0);
  await assertError(await worker.fetch('/__test/wasm-trap', postJson({})), 500, 'internal_error');
  const log = worker.logs.join('');
  assert.match(log, /memory access out of bounds/, 'the trap is logged for the merchant');
  assert.match(log, /its instance was rebuilt from the compiled module \(rebuild 1 in this isolate\)/);
  assert.equal(await rebuilds(), 1, 'one rebuild for one trap');
  // Served by the fresh instance: classify, batch, draft and feedback all work.
  await assertStillServes(worker);
  const batch = await worker.fetch('/v1/classify/batch', postJson([{ id: 'a', text: 'Lovely fit.' }, { id: 'b', text: 'Arrived torn.' }]));
  assert.equal(batch.status, 200);
  assert.equal((await batch.json()).length, 2);
  const draft = await worker.fetch('/v1/draft', postJson({ review: { text: 'Arrived late and broken.', rating: 1 }, options: { brand: 'Acme' } }));
  assert.equal(draft.status, 200);
  // A second trap, a second rebuild: the isolate never keeps serving from a trapped instance.
  await assertError(await worker.fetch('/__test/wasm-trap', postJson({})), 500, 'internal_error');
  assert.equal(await rebuilds(), 2);
  await assertStillServes(worker);
});

test('without REVIEWLOOP_TEST_HOOKS the hooks do not exist', async () => {
  const plain = await startWorker();
  try {
    await assertError(await plain.fetch('/__test/wasm-trap', postJson({})), 404, 'not_found');
    await assertError(await plain.fetch('/__test/wasm'), 404, 'not_found');
  } finally {
    await plain.dispose();
  }
});
