// reviewloop/classify (js/classify.js on js/pkg-classify, the classifier's own
// build) against js/index.js (the whole engine): the same results on real
// reviews from ../shared/data, the same errors, the same loading rules, and
// the package subpath as a user imports it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as entry from '../../js/classify.js';
import * as whole from '../../js/index.js';
import { parseRecords } from '../../js/lib/records.js';
import { DATA, assertClassification, labels } from './helpers.mjs';

const run = promisify(execFile);
const JS = new URL('../../js/', import.meta.url);
const ENTRY = new URL('classify.js', JS);

/** Node, in a fresh process (nothing loaded yet), running an ES module script; its stdout as JSON. */
async function fresh(script, options = {}) {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], options);
  return JSON.parse(stdout);
}

/** The reviews of a CSV export in ../shared/data, read as the CLI reads them. */
async function reviewsOf(path, count) {
  const records = parseRecords(await readFile(new URL(path, DATA), 'utf8'));
  const reviews = records.filter((r) => r.review).map((r) => r.review);
  assert.ok(reviews.length >= count, `at least ${count} reviews in ${path}`);
  return reviews.slice(0, count);
}

/** What a call gave: its result, or the Error's class and message. */
function outcome(call) {
  try {
    return { result: call() };
  } catch (error) {
    return { error: { name: error.constructor.name, message: error.message } };
  }
}

before(() => Promise.all([entry.init(), whole.init()]));

describe('the same classifier as the whole engine', () => {
  test('identical results on 3,500 real reviews (English with ratings and titles, food delivery, Chinese)', async () => {
    const reviews = [
      ...(await reviewsOf('womens_clothing/reviews_dev.csv', 2000)),
      ...(await reviewsOf('grubhub_llm_labelled/reviews_15000_gemini_labels.csv', 1000)),
      ...(await reviewsOf('waimai_zh/waimai_10k.csv', 500)),
    ];
    // A row the core refuses (an export's empty review) must be refused alike.
    const ours = reviews.map((review) => outcome(() => entry.classify(review)));
    const theirs = reviews.map((review) => outcome(() => whole.classify(review)));
    for (let i = 0; i < reviews.length; i++) {
      assert.deepEqual(ours[i], theirs[i], `review ${i}: ${JSON.stringify(reviews[i]).slice(0, 120)}`);
    }
    // A check that the comparison compared something: results, covering the vocabulary.
    const results = ours.filter((o) => o.result).map((o) => o.result);
    assert.ok(results.length >= reviews.length * 0.95, `${results.length} of ${reviews.length} classified`);
    for (const review of reviews.slice(0, 50)) assertClassification(entry.classify(review), review);
    const seen = new Set(results.flatMap((r) => [r.sentiment.label, r.priority, r.language, ...labels(r)]));
    for (const id of ['negative', 'mixed', 'positive', 'urgent', 'high', 'zh', 'size_fit', 'delivery_delay', 'refund']) {
      assert.ok(seen.has(id), `the reviews give ${id}`);
    }
  });

  test('classifyBatch: the same results and refusals, in order', async () => {
    const reviews = await reviewsOf('womens_clothing/reviews_dev.csv', 1000);
    const batch = [...reviews.slice(0, 400), { id: 'no-text' }, null, { id: 7, text: 'fine', rating: 9 }, ...reviews.slice(400)];
    const ours = entry.classifyBatch(batch);
    assert.deepEqual(ours, whole.classifyBatch(batch));
    assert.equal(ours.length, batch.length);
    assert.deepEqual(ours.slice(400, 403).map((r) => [r.id, typeof r.error]), [['no-text', 'string'], [null, 'string'], ['7', 'string']]);
    assert.deepEqual(entry.classifyBatch([]), []);
  });

  test('the same Error, word for word, for every kind of bad input', () => {
    const bad = [
      { text: '' }, { text: ' \n\t ' }, { id: 'x', rating: 2 }, { text: 5 }, { text: null }, { text: ['a'] },
      { text: 'fine', rating: 0 }, { text: 'fine', rating: 'five' }, { text: 'fine', rating: NaN },
      { text: 'fine', title: 42 }, null, undefined, 5, 'arrived broken', [{ text: 'x' }],
      { text: 'x'.repeat(10 * 1048576 + 1) },
    ];
    for (const review of bad) {
      const ours = outcome(() => entry.classify(review));
      assert.ok(ours.error, `${JSON.stringify(review)?.slice(0, 60)} is refused`);
      assert.deepEqual(ours, outcome(() => whole.classify(review)), JSON.stringify(review)?.slice(0, 60));
    }
    for (const notAList of [undefined, null, { text: 'x' }, 'reviews']) {
      const ours = outcome(() => entry.classifyBatch(notAList));
      assert.deepEqual(ours, { error: { name: 'Error', message: 'classifyBatch expects an array of reviews.' } });
      assert.deepEqual(ours, outcome(() => whole.classifyBatch(notAList)));
    }
    assert.ok(labels(entry.classify({ text: 'It arrived broken.' })).includes('damaged_in_transit'), 'still works after');
  });
});

describe('loading and rebuild', () => {
  test('init() again returns the same promise', () => {
    assert.equal(entry.init(), entry.init());
  });

  test('rebuild() replaces the instance: counted, and the same results after', () => {
    const review = { id: 'r', text: 'The charger caught fire and burned my hand.', rating: 1 };
    const before = entry.classify(review);
    const count = entry.rebuilds();
    assert.equal(entry.rebuild(), count + 1);
    assert.equal(entry.rebuilds(), count + 1);
    assert.deepEqual(entry.classify(review), before);
    assert.equal(before.priority, 'urgent');
    // Each entry has its own instance: rebuilding one leaves the other's count alone.
    assert.equal(whole.rebuilds(), 0);
  });

  test('before init(), and while it loads: the Error that says to call init(); rebuild() a no-op', async () => {
    const out = await fresh(`
      import { classify, classifyBatch, init, rebuild, rebuilds } from ${JSON.stringify(ENTRY.href)};
      const tryIt = (call) => { try { call(); return null; } catch (e) { return { isError: e instanceof Error, message: e.message }; } };
      const before = [tryIt(() => classify({ text: 'arrived broken' })), tryIt(() => classifyBatch([{ text: 'x' }]))];
      const loading = init();
      const during = tryIt(() => classify({ text: 'arrived broken' }));
      const rebuildWhileLoading = rebuild();
      await loading;
      console.log(JSON.stringify({ before, during, rebuildWhileLoading, label: classify({ text: 'arrived broken' }).sentiment.label, after: rebuild(), rebuilds: rebuilds() }));`);
    for (const thrown of [...out.before, out.during]) {
      assert.deepEqual(thrown, { isError: true, message: 'reviewloop is not loaded yet: call and await init() before classify().' });
    }
    assert.equal(out.rebuildWhileLoading, 0);
    assert.equal(out.label, 'negative');
    assert.equal(out.after, 1);
    assert.equal(out.rebuilds, 1);
  });

  test('in Node it loads its own build, js/pkg-classify, and nothing of js/pkg', async () => {
    const read = await fresh(`
      import fs from 'node:fs/promises';
      import { syncBuiltinESMExports } from 'node:module';
      const read = [];
      const readFile = fs.readFile;
      fs.readFile = (path, ...rest) => { read.push(String(path)); return readFile(path, ...rest); };
      syncBuiltinESMExports();
      const { init, classify } = await import(${JSON.stringify(ENTRY.href)});
      await init();
      classify({ text: 'Runs small.' });
      console.log(JSON.stringify(read));`);
    // Node's module loader reads through the same function: the module graph shows too.
    assert.deepEqual(read.filter((url) => url.endsWith('.wasm')), [new URL('pkg-classify/reviewloop_bg.wasm', JS).href]);
    assert.deepEqual(read.filter((url) => url.includes('/js/pkg/') || url.endsWith('/js/index.js')), []);
  });

  test('a compiled module (as a Worker passes it) and bytes load too; a bad source says so, and init() can be retried', async () => {
    const wasm = JSON.stringify(fileURLToPath(new URL('pkg-classify/reviewloop_bg.wasm', JS)));
    const script = (source) => `
      import { readFileSync } from 'node:fs';
      import { classify, init } from ${JSON.stringify(ENTRY.href)};
      const bytes = readFileSync(${wasm});
      let failed = null;
      try { await init(new Uint8Array([0, 97, 115, 109, 9, 9])); } catch (e) { failed = e.message; }
      await init(${source});
      console.log(JSON.stringify({ failed, label: classify({ text: 'Still waiting for my refund.' }).sentiment.label }));`;
    for (const source of ['new WebAssembly.Module(bytes)', 'bytes']) {
      const out = await fresh(script(source));
      assert.match(out.failed, /^reviewloop could not load its wasm core: /, source);
      assert.equal(out.label, 'negative', source);
    }
  });

  test('its build is the classifier alone: no replies, feedback, reports or widget', async () => {
    const glue = await import(new URL('pkg-classify/reviewloop.js', JS).href);
    assert.equal(typeof glue.classify, 'function');
    assert.equal(typeof glue.__wbg_reset_state, 'function', 'built with the reset function rebuild() needs');
    for (const name of ['draftReply', 'lintReply', 'assessFeedback', 'ReviewReport', 'classifyReportLines', 'FeedbackWidget']) {
      assert.equal(glue[name], undefined, name);
    }
    // The whole engine keeps what js/index.js calls, but not the widget (js/widget.js has its own build).
    const engine = await import(new URL('pkg/reviewloop.js', JS).href);
    for (const name of ['draftReply', 'lintReply', 'assessFeedback', 'ReviewReport', 'classifyReportLines']) {
      assert.equal(typeof engine[name], 'function', name);
    }
    assert.equal(engine.FeedbackWidget, undefined);
  });
});

describe('the package', () => {
  test('reviewloop/classify resolves to js/classify.js, with its types, and works', async () => {
    const out = await fresh(`
      const url = import.meta.resolve('reviewloop/classify');
      const api = await import('reviewloop/classify');
      await api.init();
      console.log(JSON.stringify({ url, exports: Object.keys(api).sort(), label: api.classify({ text: 'Love it!' }).sentiment.label }));`,
    { cwd: fileURLToPath(JS) });
    assert.equal(out.url, ENTRY.href);
    assert.deepEqual(out.exports, ['classify', 'classifyBatch', 'init', 'rebuild', 'rebuilds']);
    assert.equal(out.label, 'positive');
    const manifest = JSON.parse(await readFile(new URL('package.json', JS), 'utf8'));
    assert.deepEqual(manifest.exports['./classify'], { types: './classify.d.ts', default: './classify.js' });
  });

  test('classify.d.ts declares exactly what classify.js exports, from index.d.ts', async () => {
    const types = await readFile(new URL('classify.d.ts', JS), 'utf8');
    const declared = [...types.matchAll(/^export \{([^}]*)\} from '\.\/index\.js';$/gm)]
      .flatMap((m) => m[1].split(',').map((name) => name.trim()));
    assert.deepEqual(declared.sort(), Object.keys(entry).sort());
    const index = await readFile(new URL('index.d.ts', JS), 'utf8');
    for (const name of declared) assert.match(index, new RegExp(`^export function ${name}\\(`, 'm'), name);
    for (const [, names] of types.matchAll(/^export type \{([^}]*)\} from '\.\/index\.js';$/gm)) {
      for (const name of names.split(',').map((n) => n.trim())) {
        assert.match(index, new RegExp(`^export (interface|type) ${name}\\b`, 'm'), name);
      }
    }
  });

  test('npm pack ships every file js/classify.js loads', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: fileURLToPath(JS) });
    const packed = new Set(JSON.parse(stdout)[0].files.map((f) => f.path));
    // classify.js and the relative imports under it, followed file by file.
    const needed = new Set(['classify.d.ts', 'index.d.ts', 'pkg-classify/reviewloop_bg.wasm']);
    const queue = ['classify.js'];
    while (queue.length > 0) {
      const file = queue.pop();
      if (needed.has(file)) continue;
      needed.add(file);
      const source = await readFile(new URL(file, JS), 'utf8');
      for (const [, path] of source.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)';/gms)) {
        queue.push(fileURLToPath(new URL(path, new URL(file, JS))).slice(fileURLToPath(JS).length));
      }
    }
    assert.ok(needed.has('lib/engine.js') && needed.has('pkg-classify/reviewloop.js'), [...needed].join(', '));
    for (const file of needed) assert.ok(packed.has(file), `${file} is in the package`);
  });
});
