// reviewloop/classify in headless Chromium: js/classify.js loads its own build
// (js/pkg-classify) over HTTP from the demo server, under the demo's CSP, and
// classifies as js/index.js does. Needs `make build` and /usr/bin/chromium.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { CONTENT_SECURITY_POLICY } from '../../demo/headers.js';
import { openPage, useDemo } from './server.mjs';

const site = useDemo();

/** A blank page of the demo's origin with the demo's CSP, recording every .wasm it fetches. */
async function openBlank() {
  const wasm = [];
  const opened = await openPage(site.browser, `${site.origin}/blank-for-test.html`, {
    route: async (page) => {
      page.on('request', (r) => {
        const { pathname } = new URL(r.url());
        if (pathname.endsWith('.wasm')) wasm.push(pathname);
      });
      await page.route('**/blank-for-test.html', (r) => r.fulfill({
        contentType: 'text/html',
        headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
        body: '<!doctype html><html lang="en"><title>test</title><p>test</p></html>',
      }));
    },
  });
  return { ...opened, wasm };
}

// Written for this test: each kind of review the classifier tells apart.
const REVIEWS = [
  { id: 'r1', rating: 1, title: 'Arrived broken', text: 'The box was crushed and the glass lid arrived broken.' },
  { id: 'r2', rating: 2, text: 'Sent it back a month ago and I am still waiting for my refund.' },
  { id: 'r3', rating: 1, text: 'The charger overheated and started smoking next to my son’s bed 😡.' },
  { id: 4, rating: 5, text: 'Love the dress, but it runs two sizes small.' },
  { id: 'r5', text: 'El pedido llegó tarde y la caja estaba rota.' },
  { id: 'r6', text: 'Call me at 555-0134 or write to dana@example.com about order #112-5523.' },
  { id: 'r7', rating: 5, text: 'Perfect gift, arrived early. Will order again!' },
];

describe('js/classify.js in Chromium', () => {
  test('before init() it throws the Error that says so; after, it classifies as js/index.js does', async () => {
    const { page, problems, wasm, close } = await openBlank();
    try {
      const out = await page.evaluate(async (reviews) => {
        const api = await import('/js/classify.js');
        let early;
        try { api.classify(reviews[0]); } catch (e) { early = e.message; }
        await api.init();
        const single = reviews.map((r) => api.classify(r));
        const batch = api.classifyBatch([...reviews, { id: 'bad', text: '' }]);
        let badBatch;
        try { api.classifyBatch('not a list'); } catch (e) { badBatch = e.message; }
        const rebuilt = api.rebuild();
        const afterRebuild = api.classifyBatch(reviews);
        return { early, single, batch, badBatch, rebuilt, rebuilds: api.rebuilds(), afterRebuild };
      }, REVIEWS);
      assert.equal(out.early, 'reviewloop is not loaded yet: call and await init() before classify().');
      assert.deepEqual(wasm, ['/js/pkg-classify/reviewloop_bg.wasm'], 'only the classifier is downloaded');

      const byId = Object.fromEntries(out.single.map((r) => [r.id, r]));
      assert.ok(byId.r1.categories.some((c) => c.id === 'damaged_in_transit'));
      assert.ok(byId.r2.categories.some((c) => c.id === 'refund'));
      assert.equal(byId.r3.priority, 'urgent');
      assert.ok(byId['4'].categories.some((c) => c.id === 'size_fit'));
      assert.equal(byId.r5.language, 'es');
      assert.ok(byId.r6.risks.some((r) => r.id === 'personal_data'));
      assert.equal(byId.r7.sentiment.label, 'positive');
      assert.deepEqual(out.batch.slice(0, REVIEWS.length), out.single);
      assert.equal(out.batch.at(-1).id, 'bad');
      assert.match(out.batch.at(-1).error, /text/);
      assert.equal(out.badBatch, 'classifyBatch expects an array of reviews.');
      assert.deepEqual([out.rebuilt, out.rebuilds], [1, 1]);
      assert.deepEqual(out.afterRebuild, out.single);

      // The whole engine in the same page: the same answers, word for word.
      const whole = await page.evaluate(async (reviews) => {
        const api = await import('/js/index.js');
        await api.init();
        return api.classifyBatch([...reviews, { id: 'bad', text: '' }]);
      }, REVIEWS);
      assert.deepEqual(whole, out.batch);
      assert.deepEqual(wasm, ['/js/pkg-classify/reviewloop_bg.wasm', '/js/pkg/reviewloop_bg.wasm']);
      assert.deepEqual(problems, []);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    } finally {
      await close();
    }
  });

  test('a failed download is an Error that says so, and init() can be tried again', async () => {
    const { page, problems, close } = await openBlank();
    try {
      let fail = true;
      await page.route('**/js/pkg-classify/reviewloop_bg.wasm', (r) => (fail ? r.fulfill({ status: 503, body: 'busy' }) : r.continue()));
      const first = await page.evaluate(async () => {
        const api = await import('/js/classify.js');
        try { await api.init(); return null; } catch (e) { return e.message; }
      });
      assert.match(first, /^reviewloop could not load its wasm core: /);
      fail = false;
      const label = await page.evaluate(async () => {
        const api = await import('/js/classify.js');
        await api.init();
        return api.classify({ text: 'Stopped working after a week.' }).sentiment.label;
      });
      assert.equal(label, 'negative');
      // Chromium logs the 503 itself; nothing else may go wrong.
      assert.deepEqual(problems.filter((p) => !/503/.test(p)), []);
    } finally {
      await close();
    }
  });
});
