// The Worker's API routes in workerd: classify, batch, draft, lint; every kind
// of bad input answered with the right status and a JSON error, the isolate
// serving after each; CORS from the shop's origin and from others.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';

import * as reviewloop from '../../js/index.js';
import { parseRecords } from '../../js/lib/records.js';
import { DATA, STORE_ORIGIN, assertError, assertStillServes, postJson, startWorker } from './helpers.mjs';

const MAX_BODY_BYTES = 4096;
let worker;

before(async () => {
  await reviewloop.init();
  worker = await startWorker({ MAX_BODY_BYTES: String(MAX_BODY_BYTES), MAX_BATCH_REVIEWS: '50' });
});
after(() => worker?.dispose());

/** Real reviews from ../shared/data, read at test time. */
async function realReviews(count) {
  const text = await readFile(new URL('womens_clothing/reviews_dev.csv', DATA), 'utf8');
  return parseRecords(text).filter((r) => r.review && r.review.text.trim() !== '').slice(0, count).map((r) => r.review);
}

describe('classify', () => {
  test('real reviews: the Worker answers exactly what the Node API answers for the same wasm', async () => {
    for (const review of await realReviews(20)) {
      const response = await worker.fetch('/v1/classify', postJson(review));
      assert.equal(response.status, 200);
      assert.match(response.headers.get('Content-Type'), /^application\/json/);
      assert.deepEqual(await response.json(), reviewloop.classify(review));
    }
  });

  test('batch: one entry per review in order, a refused review in its place without losing the others', async () => {
    const reviews = await realReviews(10);
    const batch = [...reviews.slice(0, 5), { id: 'bad', text: '' }, ...reviews.slice(5)];
    for (const body of [batch, { reviews: batch }]) {
      const response = await worker.fetch('/v1/classify/batch', postJson(body));
      assert.equal(response.status, 200);
      const results = await response.json();
      assert.equal(results.length, batch.length);
      assert.deepEqual(results, reviewloop.classifyBatch(batch));
      assert.equal(results[5].id, 'bad');
      assert.match(results[5].error, /no text/);
    }
  });

  test('a review the core refuses is a 422 carrying the core\'s sentence', async () => {
    const error = await assertError(await worker.fetch('/v1/classify', postJson({ text: 'fine', rating: 'five' })), 422, 'invalid_review');
    assert.match(error.message, /rating/);
    await assertError(await worker.fetch('/v1/classify', postJson({ text: '' })), 422, 'invalid_review');
  });

  test('a batch over MAX_BATCH_REVIEWS is refused with 413, an empty one with 422', async () => {
    await assertError(await worker.fetch('/v1/classify/batch', postJson(Array.from({ length: 51 }, () => ({ text: 'ok' })))), 413, 'batch_too_large');
    await assertError(await worker.fetch('/v1/classify/batch', postJson([])), 422, 'invalid_field');
    await assertError(await worker.fetch('/v1/classify/batch', postJson({ text: 'not a list' })), 422, 'invalid_field');
  });
});

describe('draft and lint', () => {
  test('POST /v1/draft answers what draftReply answers', async () => {
    const review = { id: 'd1', text: 'The package arrived two weeks late and the box was crushed.', rating: 2 };
    const options = { brand: 'Acme', support: 'help@acme.example' };
    const response = await worker.fetch('/v1/draft', postJson({ review, options }));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), reviewloop.draftReply(review, options));
  });

  test('POST /v1/lint answers what lintReply answers, and flags a request to change the review', async () => {
    const text = 'Sorry about that! Please update your review to 5 stars once we send a replacement.';
    const response = await worker.fetch('/v1/lint', postJson({ text }));
    assert.equal(response.status, 200);
    const result = await response.json();
    assert.deepEqual(result, reviewloop.lintReply(text, {}));
    assert.equal(result.ok, false);
  });

  test('missing and mistyped fields are named', async () => {
    await assertError(await worker.fetch('/v1/draft', postJson({ options: {} })), 422, 'missing_field');
    await assertError(await worker.fetch('/v1/draft', postJson({ review: 'late' })), 422, 'invalid_field');
    await assertError(await worker.fetch('/v1/draft', postJson({ review: { text: 'x' }, options: [] })), 422, 'invalid_field');
    await assertError(await worker.fetch('/v1/lint', postJson({})), 422, 'missing_field');
    const error = await assertError(await worker.fetch('/v1/lint', postJson({ text: 42 })), 422, 'invalid_field');
    assert.match(error.message, /`text` must be a string/);
  });

  test('options the core refuses are a 422 carrying its sentence', async () => {
    const draft = await assertError(await worker.fetch('/v1/draft', postJson({ review: { text: 'late' }, options: { platform: 'myspace' } })), 422, 'invalid_request');
    assert.match(draft.message, /platform/);
    await assertError(await worker.fetch('/v1/lint', postJson({ text: 'Thanks!', options: { platform: 5 } })), 422, 'invalid_request');
    await assertError(await worker.fetch('/v1/draft', postJson({ review: { text: '' } })), 422, 'invalid_request');
    await assertStillServes(worker);
  });
});

describe('bad input: the right status, a JSON error that says what to fix, and the isolate still serves', () => {
  const cases = [
    ['malformed JSON', '/v1/classify', postJson('{"text": "broken", '), 400, 'invalid_json'],
    ['an empty body', '/v1/classify', postJson(''), 400, 'invalid_json'],
    ['bytes that are not UTF-8', '/v1/classify', postJson(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 400, 'invalid_json'],
    ['text/plain', '/v1/classify', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"text":"x"}' }, 415, 'unsupported_media_type'],
    ['form encoding', '/v1/feedback', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=b' }, 415, 'unsupported_media_type'],
    ['no content type', '/v1/lint', { method: 'POST', body: new Uint8Array([0x7b, 0x7d]) }, 415, 'unsupported_media_type'],
    ['a body over the limit', '/v1/classify', postJson({ text: 'x'.repeat(MAX_BODY_BYTES) }), 413, 'body_too_large'],
    ['an array for a review', '/v1/classify', postJson([{ text: 'x' }]), 422, 'invalid_field'],
    ['null for a review', '/v1/classify', postJson('null'), 422, 'invalid_field'],
    ['a number for text', '/v1/classify', postJson({ text: 5 }), 422, 'invalid_review'],
    ['an unknown route', '/v1/clasify', postJson({ text: 'x' }), 404, 'not_found'],
    ['the root path', '/', { method: 'GET' }, 404, 'not_found'],
    ['GET on a POST route', '/v1/classify', { method: 'GET' }, 405, 'method_not_allowed'],
    ['DELETE on the webhook', '/v1/reviews/webhook', { method: 'DELETE' }, 405, 'method_not_allowed'],
    ['POST on the feedback page', '/feedback/1001', postJson({}), 405, 'method_not_allowed'],
  ];
  for (const [what, path, init, status, code] of cases) {
    test(`${what} → ${status} ${code}`, async () => {
      const response = await worker.fetch(path, init);
      if (status === 405) assert.ok(response.headers.get('Allow'), 'a 405 lists the methods in Allow');
      await assertError(response, status, code);
      await assertStillServes(worker);
    });
  }

  test('an error answered before the body was read leaves the keep-alive connection usable', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method, path, body) => new Promise((resolve, reject) => {
      const req = httpRequest(new URL(path, worker.url), { method, agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, socket: req.socket }));
      });
      req.on('error', reject);
      req.end(body);
    });
    try {
      const sockets = new Set();
      for (const [method, path, body, status] of [
        ['POST', '/v1/nowhere', JSON.stringify({ text: 'x'.repeat(2000) }), 404],
        ['PUT', '/v1/classify', '{"text":"x"}', 405],
        ['POST', '/v1/classify', JSON.stringify({ text: 'Arrived broken.' }), 200],
      ]) {
        const answer = await send(method, path, body);
        assert.equal(answer.status, status);
        sockets.add(answer.socket);
      }
      assert.equal(sockets.size, 1, 'one connection served all three');
    } finally {
      agent.destroy();
    }
  });

  test('405 names the allowed methods in Allow', async () => {
    const response = await worker.fetch('/v1/classify', { method: 'PUT', body: '{}' });
    assert.equal(response.headers.get('Allow'), 'POST, OPTIONS');
    await assertError(response, 405, 'method_not_allowed');
    const page = await worker.fetch('/feedback/1001', { method: 'PUT' });
    assert.equal(page.headers.get('Allow'), 'GET, HEAD');
  });

  test('an oversized body sent chunked, without Content-Length, is cut off at the limit', async () => {
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (sent >= 20) return controller.close();
        sent += 1;
        controller.enqueue(new TextEncoder().encode(sent === 1 ? '{"text":"' : 'x'.repeat(1024)));
      },
    });
    const response = await worker.fetch('/v1/classify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, duplex: 'half' });
    await assertError(response, 413, 'body_too_large');
    await assertStillServes(worker);
  });

  test('a declared Content-Length over the limit is refused before the body is read', async () => {
    const response = await worker.fetch('/v1/classify/batch', postJson({ reviews: [{ text: 'y'.repeat(MAX_BODY_BYTES * 2) }] }));
    const error = await assertError(response, 413, 'body_too_large');
    assert.match(error.message, new RegExp(`${MAX_BODY_BYTES} bytes`));
  });

  test('deeply nested JSON and odd values do not crash the isolate', async () => {
    const nested = '['.repeat(2000) + ']'.repeat(2000);
    await assertError(await worker.fetch('/v1/classify', postJson(nested)), 422, 'invalid_field');
    const odd = await worker.fetch('/v1/classify', postJson({ text: 'ok \u{1F600} caf\u00e9 \ud800', rating: 1e308 }));
    assert.ok([200, 422].includes(odd.status));
    await assertStillServes(worker);
  });
});

describe('CORS', () => {
  test('the shop\'s origin may call: preflight 204, then the answer carries Allow-Origin', async () => {
    const preflight = await worker.fetch('/v1/classify', {
      method: 'OPTIONS',
      headers: { Origin: STORE_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('Access-Control-Allow-Origin'), STORE_ORIGIN);
    assert.match(preflight.headers.get('Access-Control-Allow-Methods'), /POST/);
    assert.match(preflight.headers.get('Access-Control-Allow-Headers'), /Content-Type/);
    assert.match(preflight.headers.get('Access-Control-Allow-Headers'), /Idempotency-Key/);
    const response = await worker.fetch('/v1/classify', postJson({ text: 'Lovely.' }, { Origin: STORE_ORIGIN }));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('Access-Control-Allow-Origin'), STORE_ORIGIN);
    assert.equal(response.headers.get('Vary'), 'Origin');
  });

  test('an error answer to the shop\'s origin is still readable by its page', async () => {
    const response = await worker.fetch('/v1/classify', postJson('{', { Origin: STORE_ORIGIN }));
    assert.equal(response.headers.get('Access-Control-Allow-Origin'), STORE_ORIGIN);
    await assertError(response, 400, 'invalid_json');
  });

  test('another origin is refused, preflight and request alike, and gets no Allow-Origin', async () => {
    const preflight = await worker.fetch('/v1/feedback', { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(preflight.headers.get('Access-Control-Allow-Origin'), null);
    const error = await assertError(preflight, 403, 'origin_not_allowed');
    assert.match(error.message, /ALLOWED_ORIGINS/);
    const response = await worker.fetch('/v1/classify', postJson({ text: 'x' }, { Origin: 'https://evil.example' }));
    assert.equal(response.headers.get('Access-Control-Allow-Origin'), null);
    await assertError(response, 403, 'origin_not_allowed');
  });

  test('the Worker\'s own origin (the hosted page) and server-to-server calls pass', async () => {
    const own = await worker.fetch('/v1/classify', postJson({ text: 'x y' }, { Origin: worker.url.origin }));
    assert.equal(own.status, 200);
    const server = await worker.fetch('/v1/classify', postJson({ text: 'x y' }));
    assert.equal(server.status, 200);
    assert.equal(server.headers.get('Access-Control-Allow-Origin'), null);
  });

  test('the webhook route takes no browser calls: OPTIONS is not one of its methods', async () => {
    const response = await worker.fetch('/v1/reviews/webhook', { method: 'OPTIONS', headers: { Origin: STORE_ORIGIN } });
    assert.equal(response.headers.get('Allow'), 'POST');
    await assertError(response, 405, 'method_not_allowed');
  });
});
