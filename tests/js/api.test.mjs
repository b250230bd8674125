// The JavaScript API (init, classify, classifyBatch) against interfaces.md and
// taxonomy.md, on invented edge cases and on real reviews from ../shared/data.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { classify, classifyBatch, init } from '../../js/index.js';
import { parseRecords } from '../../js/lib/records.js';
import { DATA, INDEX, TAXONOMY, assertClassification, assertSpan, evidenceOf, labels } from './helpers.mjs';

const run = promisify(execFile);

/** Reviews from the women's clothing export, read with records.js as the CLI reads them. */
async function realReviews(count) {
  const text = await readFile(new URL('womens_clothing/reviews_dev.csv', DATA), 'utf8');
  const reviews = parseRecords(text).filter((r) => r.review).map((r) => r.review);
  assert.ok(reviews.length >= count, `at least ${count} reviews in the export`);
  return reviews.slice(0, count);
}

/** classify, or the Error it threw. */
function attempt(review) {
  try {
    return classify(review);
  } catch (error) {
    return error;
  }
}

/** The module still works: a good review classifies after whatever came before. */
function assertStillWorks() {
  const review = { id: 'after', text: 'The lamp arrived broken and the shade was crushed.' };
  const result = classify(review);
  assertClassification(result, review);
  assert.ok(labels(result).includes('damaged_in_transit'));
}

before(() => init());

describe('loading', () => {
  test('init can be called again, and returns the same promise once loaded', async () => {
    await init();
    await init();
    assert.equal(init(), init());
    assertStillWorks();
  });

  test('classify and classifyBatch before init throw an Error that says to call init()', async () => {
    // A fresh process, so nothing has loaded the wasm yet.
    const script = `
      import { classify, classifyBatch } from ${JSON.stringify(INDEX.href)};
      const out = [];
      for (const call of [() => classify({ text: 'arrived broken' }), () => classifyBatch([{ text: 'x' }])]) {
        try { call(); out.push(null); } catch (e) { out.push({ isError: e instanceof Error, message: e.message }); }
      }
      console.log(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    for (const thrown of JSON.parse(stdout)) {
      assert.ok(thrown, 'it throws');
      assert.ok(thrown.isError, 'an Error');
      assert.match(thrown.message, /init\(\)/);
    }
  });

  test('while init() is still loading: classify throws the same Error, rebuild() does nothing, then both work', async () => {
    const script = `
      import { classify, init, rebuild } from ${JSON.stringify(INDEX.href)};
      const loading = init();
      let early;
      try { classify({ text: 'arrived broken' }); } catch (e) { early = { isError: e instanceof Error, message: e.message }; }
      const rebuildsWhileLoading = rebuild();
      await loading;
      console.log(JSON.stringify({ early, rebuildsWhileLoading, label: classify({ text: 'arrived broken' }).sentiment.label, rebuildsAfter: rebuild() }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    const out = JSON.parse(stdout);
    assert.ok(out.early?.isError, 'an Error before loading finished');
    assert.match(out.early.message, /init\(\)/);
    assert.equal(out.rebuildsWhileLoading, 0, 'nothing to rebuild yet');
    assert.equal(out.label, 'negative');
    assert.equal(out.rebuildsAfter, 1);
  });
});

describe('classification', () => {
  test('has the shape of interfaces.md, echoing string and number ids', () => {
    const reviews = [
      { id: 'r-1', text: 'Love the dress, but the zip broke after two wears.', rating: 3, title: 'Pretty but fragile' },
      { id: 7, text: 'Perfect fit, great colour.' },
      { text: 'Where is my order? It has been three weeks.' },
      { id: null, text: 'ok' },
    ];
    for (const review of reviews) assertClassification(classify(review), review);
    assert.equal(classify({ id: 7, text: 'fine' }).id, '7');
    assert.equal(classify({ text: 'fine' }).id, null);
  });

  test('evidence slices whole from the text with emoji, accents and combining marks at its edges', () => {
    const cases = [
      ['👍🏽arrived broken👎🏽', 'damaged_in_transit', 'broken'],
      ['Arrived broken💔💔', 'damaged_in_transit', 'broken'],
      ['🇬🇧 Naïve me: the vase arrived broken, café au lait everywhere.', 'damaged_in_transit', 'broken'],
      ['Cafe\u0301 mug: it arrived broken.\u0301', 'damaged_in_transit', 'broken'],
      ['e\u0301e\u0301 arrived broken e\u0301', 'damaged_in_transit', 'broken'],
      ['Résumé holder 📎 — runs two sizes small 😩', 'size_fit', 'small'],
      ['Crème jacket. 🧥 The zip stopped working after a week. Très triste? No: furious.', 'quality', 'stopped working'],
      ['𝒮𝓉𝓊𝓃𝓃𝒾𝓃𝑔 box, but I received the wrong colour 🙃', 'wrong_or_missing_item', 'wrong colour'],
      ['日本 ok. Still waiting for my refund 💸💸', 'refund', 'refund'],
      ['Call me at 555-0134 😤 never ordering from here again', 'churn', 'never ordering'],
    ];
    for (const [text, id, word] of cases) {
      const review = { text };
      const result = classify(review);
      assertClassification(result, review);
      const evidence = evidenceOf(result, id, review);
      assert.ok(evidence.some((e) => e.toLowerCase().includes(word)), `${id} evidence ${JSON.stringify(evidence)} contains "${word}" in ${text}`);
    }
  });

  test('evidence in the title points into the title', () => {
    const review = { text: 'See the title.', title: '😡 Arrived broken 😡' };
    const result = classify(review);
    assertClassification(result, review);
    const label = result.categories.find((c) => c.id === 'damaged_in_transit');
    assert.ok(label, JSON.stringify(result));
    assert.ok(label.evidence.some((s) => s.field === 'title' && review.title.slice(s.start, s.end).includes('broken')));
  });

  test('classifyBatch equals classify on each of 500 real reviews', async () => {
    const reviews = await realReviews(500);
    const batch = classifyBatch(reviews);
    assert.equal(batch.length, reviews.length);
    reviews.forEach((review, i) => {
      const single = attempt(review);
      if (single instanceof Error) {
        assert.deepEqual(batch[i], { id: review.id ?? null, error: single.message });
      } else {
        assert.deepEqual(batch[i], single);
        assertClassification(single, review);
      }
    });
  });

  test('classifyBatch puts { id, error } in place of a refused review and keeps order', () => {
    const reviews = [{ id: 'a', text: 'arrived broken' }, { id: 'b', text: '   ' }, null, { id: 4, rating: 9, text: 'fine' }, { id: 'e', text: 'great' }];
    const batch = classifyBatch(reviews);
    assert.equal(batch.length, 5);
    assert.equal(batch[0].id, 'a');
    assert.deepEqual(Object.keys(batch[1]).sort(), ['error', 'id']);
    assert.equal(batch[1].id, 'b');
    assert.equal(batch[2].id, null);
    assert.match(batch[2].error, /object/);
    assert.equal(batch[3].id, '4');
    assert.match(batch[3].error, /rating/);
    assert.equal(batch[4].id, 'e');
    assert.ok(!('error' in batch[4]));
    assert.deepEqual(classifyBatch([]), []);
    assert.throws(() => classifyBatch({ text: 'x' }), { message: /array/ });
  });
});

describe('what the classifier reads', () => {
  test('"arrived broken" is damaged_in_transit, with evidence containing "broken"', () => {
    const review = { text: 'The mirror arrived broken.' };
    const result = classify(review);
    assert.deepEqual(result.categories.map((c) => c.id), ['damaged_in_transit']);
    assert.ok(evidenceOf(result, 'damaged_in_transit', review).some((e) => e.includes('broken')));
    assert.equal(result.sentiment.label, 'negative');
    assert.equal(result.priority, 'high');
    assert.equal(result.needsReply, true);
  });

  test('a safety review is urgent', () => {
    for (const text of ['The charger caught fire overnight.', 'This cream gave my daughter a rash.', 'We got sick after eating it.']) {
      const review = { text, rating: 1 };
      const result = classify(review);
      assertClassification(result, review);
      assert.ok(labels(result).includes('safety'), `${text}: ${JSON.stringify(result)}`);
      assert.equal(result.priority, 'urgent', text);
      assert.equal(result.needsReply, true, text);
    }
  });

  test('"not bad at all" is not negative', () => {
    for (const text of ['not bad at all', 'Not bad at all!', 'Honestly, not bad at all for the price.']) {
      const result = classify({ text });
      assert.notEqual(result.sentiment.label, 'negative', text);
      assert.ok(result.sentiment.score >= 0, `${text}: ${result.sentiment.score}`);
    }
  });

  test('a German review reports language "de"', () => {
    for (const text of ['Die Qualität ist leider nicht gut und die Lieferung kam zu spät.', 'Das Kleid ist schön, aber leider zu klein.']) {
      assert.equal(classify({ text }).language, 'de', text);
    }
    assert.equal(classify({ text: 'The dress is lovely.' }).language, 'en');
  });

  test('praise is not a category', () => {
    for (const text of ['Arrived early and the quality is great.', 'Fits perfectly, true to size.']) {
      const result = classify({ text });
      assert.deepEqual(result.categories, [], text);
      assert.equal(result.sentiment.label, 'positive', text);
      assert.equal(result.priority, 'low', text);
    }
  });

  test('five stars on a text that says the opposite is a rating mismatch', () => {
    assert.equal(classify({ text: 'broke after a day, total junk', rating: 5 }).ratingMismatch, true);
    assert.equal(classify({ text: 'broke after a day, total junk', rating: 1 }).ratingMismatch, false);
  });

  for (const { id, text } of TAXONOMY.examples) {
    test(`taxonomy.md example "${text}" is ${id}`, () => {
      const review = { text };
      const result = classify(review);
      assertClassification(result, review);
      assert.ok(labels(result).includes(id), `${JSON.stringify(labels(result))} (${result.language}, ${result.sentiment.label})`);
    });
  }

  test('taxonomy.md\'s mixed example is mixed', () => {
    assert.equal(classify({ text: 'love the dress, but it came a week late' }).sentiment.label, 'mixed');
  });

  test('a review of an injury is not positive', () => {
    assert.notEqual(classify({ text: 'It caught fire and burned my hand' }).sentiment.label, 'positive');
  });
});

describe('input the API must refuse or survive', () => {
  const tenMB = 'The seams ripped. '.repeat(Math.ceil((10 * 1048576) / 18));
  // Each: the review, then what an Error's message must name for the caller to fix it;
  // `result: true` when a classification is the right answer.
  const cases = [
    ['empty text', { text: '' }, /text/],
    ['whitespace-only text', { text: ' \n\t\u00a0 ' }, /text/],
    ['a 10 MB text', { text: tenMB }, /MB.*limit|limit.*MB/],
    ['missing text', { id: 'no-text', rating: 2 }, /`?text`?/],
    ['text as a number', { text: 5 }, /text/],
    ['text as null', { text: null }, /text/],
    ['text as an array', { text: ['arrived', 'broken'] }, /text/],
    ['rating 0', { text: 'fine', rating: 0 }, /rating.*1.*5/],
    ['rating 6', { text: 'fine', rating: 6 }, /rating.*1.*5/],
    ['rating "five"', { text: 'fine', rating: 'five' }, /rating/],
    ['rating NaN', { text: 'fine', rating: NaN }, /rating/],
    ['rating Infinity', { text: 'fine', rating: Infinity }, /rating/],
    ['title as a number', { text: 'fine', title: 42 }, /title/],
    ['null', null, /object/],
    ['undefined', undefined, /object/],
    ['a number', 5, /object/],
    ['a string', 'arrived broken', /object/],
    ['an array', [{ text: 'x' }], /object|text/],
  ];
  for (const [name, review, mention, todo] of cases) {
    test(`${name}: an Error that says what to fix, and the module keeps working`, todo ? { todo } : {}, () => {
      const outcome = attempt(review);
      assert.ok(outcome instanceof Error, `an Error, not ${JSON.stringify(outcome)?.slice(0, 200)}`);
      assert.match(outcome.message, mention);
      assert.ok(outcome.message.length < 300, 'a message, not a dump');
      assertStillWorks();
    });
  }

  test('a 1 MB text of real reviews gets a correct result', async () => {
    const reviews = await realReviews(4000);
    let text = '';
    for (let i = 0; text.length < 1048576; i++) text += `${reviews[i].text}\n\n`;
    const review = { id: 'big', text };
    const result = classify(review); // its time per KB is in the benchmark
    assertClassification(result, review);
    assert.ok(labels(result).includes('size_fit'));
    assertStillWorks();
  });

  test('binary garbage gets a correct result or a clear Error', () => {
    let seed = 42;
    const byte = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    const garbage = [
      String.fromCharCode(...Array.from({ length: 4000 }, byte)),
      Buffer.from(Array.from({ length: 4000 }, byte)).toString('utf8'),
      '\u0000\u0001\u0002\uFFFE\uFFFF\u202E broken \u0000',
    ];
    for (const text of garbage) {
      const review = { text };
      const outcome = attempt(review);
      if (outcome instanceof Error) assert.match(outcome.message, /text/);
      else assertClassification(outcome, review);
      assertStillWorks();
    }
  });

  test('lone UTF-16 surrogates keep offsets right', () => {
    for (const text of ['\uD800 broke after a day', 'broke after a day \uDC00', '\uDE00\uD83D broke after a day \uD83D']) {
      const review = { text };
      const result = classify(review);
      assertClassification(result, review);
      assert.ok(evidenceOf(result, 'quality', review).some((e) => e.includes('broke')), text);
    }
  });
});
