// The optional API key (API_KEYS) on the API routes, in workerd: missing and
// wrong keys refused with 401 and the JSON error shape, either of two keys
// accepted (rotation), browsers from the shop's origin still able to
// preflight and read the answers, the widget's endpoint left open, and no key
// configured meaning open routes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { REVIEW_URL, STORE_ORIGIN, assertError, postJson, startWorker } from './helpers.mjs';

const KEYS = ['test-key-current-6f1d0c', 'test-key-next-93ab47'];
const API = {
  '/v1/classify': { text: 'The lamp arrived broken.', rating: 1 },
  '/v1/classify/batch': [{ id: 'a', text: 'Lovely.' }, { id: 'b', text: 'Arrived late.' }],
  '/v1/draft': { review: { text: 'Arrived late.', rating: 2 }, options: { brand: 'Acme' } },
  '/v1/lint': { text: 'Thank you for your review.' },
};

let worker;
before(async () => { worker = await startWorker({ API_KEYS: ` ${KEYS[0]}, ${KEYS[1]} ` }); });
after(async () => { await worker?.dispose(); });

const bearer = (key) => ({ Authorization: `Bearer ${key}` });

describe('API_KEYS set', () => {
  test('each API route refuses a call without a key: 401 missing_api_key with a Bearer challenge', async () => {
    for (const [path, body] of Object.entries(API)) {
      const response = await worker.fetch(path, postJson(body));
      assert.equal(response.headers.get('WWW-Authenticate'), 'Bearer realm="reviewloop"', path);
      const error = await assertError(response, 401, 'missing_api_key');
      assert.match(error.message, /Authorization: Bearer/);
    }
  });

  test('a wrong, truncated, extended or malformed key is refused (401 invalid_api_key), and no key is echoed', async () => {
    const wrong = ['nope', KEYS[0].slice(0, -1), `${KEYS[0]}x`, KEYS[0].toUpperCase(), `${KEYS[0]},${KEYS[1]}`];
    for (const key of wrong) {
      const error = await assertError(await worker.fetch('/v1/classify', postJson(API['/v1/classify'], bearer(key))), 401, 'invalid_api_key');
      for (const k of KEYS) assert.ok(!error.message.includes(k), 'the message names no key');
    }
    for (const header of [`Basic ${btoa(`user:${KEYS[0]}`)}`, 'Bearer', `Bearer ${KEYS[0]} extra`, KEYS[0]]) {
      const error = await assertError(await worker.fetch('/v1/classify', postJson(API['/v1/classify'], { Authorization: header })), 401, 'invalid_api_key');
      assert.match(error.message, /Bearer <key>/);
    }
  });

  test('either configured key is accepted on every API route (one can be rotated out)', async () => {
    for (const key of KEYS) {
      for (const [path, body] of Object.entries(API)) {
        const response = await worker.fetch(path, postJson(body, { Authorization: `bearer ${key}` }));
        assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
      }
    }
    const result = await (await worker.fetch('/v1/classify', postJson(API['/v1/classify'], bearer(KEYS[1])))).json();
    assert.ok(result.categories.some((c) => c.id === 'damaged_in_transit'));
  });

  test('the key is checked before the body is used: a refused call classifies nothing, and the isolate goes on', async () => {
    await assertError(await worker.fetch('/v1/classify', postJson('{ not json', bearer('nope'))), 401, 'invalid_api_key');
    const ok = await worker.fetch('/v1/classify', postJson(API['/v1/classify'], bearer(KEYS[0])));
    assert.equal(ok.status, 200);
  });

  test("a browser on the shop's origin: the preflight needs no key and allows Authorization; a refusal is readable", async () => {
    const preflight = await worker.fetch('/v1/classify', {
      method: 'OPTIONS',
      headers: { Origin: STORE_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('Access-Control-Allow-Headers'), /Authorization/);
    const refused = await worker.fetch('/v1/classify', postJson(API['/v1/classify'], { Origin: STORE_ORIGIN }));
    assert.equal(refused.headers.get('Access-Control-Allow-Origin'), STORE_ORIGIN);
    await assertError(refused, 401, 'missing_api_key');
    const allowed = await worker.fetch('/v1/classify', postJson(API['/v1/classify'], { Origin: STORE_ORIGIN, ...bearer(KEYS[0]) }));
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('Access-Control-Allow-Origin'), STORE_ORIGIN);
    // Another origin is still refused for its origin, key or not.
    await assertError(await worker.fetch('/v1/classify', postJson(API['/v1/classify'], { Origin: 'https://evil.example', ...bearer(KEYS[0]) })), 403, 'origin_not_allowed');
  });

  test("the widget's endpoint and the hosted page take no key (customers' browsers keep no secret)", async () => {
    const key = `no-api-key-${process.pid}`;
    const feedback = await worker.fetch('/v1/feedback', postJson({ idempotencyKey: key, answers: { orderId: 'K-7', satisfaction: 5 } }, { 'Idempotency-Key': key, Origin: STORE_ORIGIN }));
    assert.equal(feedback.status, 200);
    assert.equal((await feedback.json()).invitation.url, REVIEW_URL);
    // The hosted page answers for its token, not for an API key.
    await assertError(await worker.fetch('/feedback/K-7?t=1.x'), 403, 'invalid_token');
    // The widget's click beacon neither; reading the counts is the merchant's, so it takes the key.
    const click = await worker.fetch('/v1/feedback/click', { method: 'POST', headers: { 'Content-Type': 'text/plain', Origin: STORE_ORIGIN }, body: JSON.stringify({ orderId: 'K-7', idempotencyKey: key }) });
    assert.equal(click.status, 200);
    await assertError(await worker.fetch('/v1/feedback/clicks?orderId=K-7'), 401, 'missing_api_key');
    assert.deepEqual(await (await worker.fetch('/v1/feedback/clicks?orderId=K-7', { headers: bearer(KEYS[0]) })).json(), { orderId: 'K-7', clicks: 1 });
  });
});

test('API_KEYS unset or empty: the API routes are open', async () => {
  await worker.restart({ API_KEYS: ' , ' });
  for (const [path, body] of Object.entries(API)) {
    const response = await worker.fetch(path, postJson(body));
    assert.equal(response.status, 200, path);
  }
});
