// `reviewloop report` on reviews that arrive without a classification,
// classified in worker threads: the same report as on one thread, in input
// order, bad lines skipped with their own reasons; and `reviewloop classify
// --with-review`, whose output the report reads without classifying again.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { parseRecords } from '../../js/lib/records.js';
import { DATA, cli } from './helpers.mjs';

let dir;
let reviews;
const file = async (name, text) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};
const CARRIERS = ['UPS', 'DHL', 'Evri'];
const quote = (v) => (v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reviewloop-threads-'));
  const text = await readFile(new URL('grubhub_llm_labelled/reviews_15000_gemini_labels.csv', DATA), 'utf8');
  // 600 real reviews, given ids, days over eight weeks and carriers.
  reviews = parseRecords(text)
    .filter((r) => r.review?.text)
    .slice(0, 600)
    .map((r, i) => ({
      id: `g${i}`,
      text: r.review.text,
      rating: r.review.rating,
      createdAt: new Date(Date.UTC(2024, 0, 1 + Math.floor(i / 11))).toISOString(),
      carrier: CARRIERS[i % 3],
    }));
});
after(() => rm(dir, { recursive: true, force: true }));

/** The report as JSON; `input.problems` keeps the reader's messages. */
async function report(path, ...args) {
  const r = await cli(['report', path, '--json', ...args]);
  return { ...r, summary: r.stdout ? JSON.parse(r.stdout) : null };
}

describe('classifying in threads', () => {
  test('JSON Lines: the same report on 1, 2 and 3 threads, bad lines said in place', async () => {
    const lines = reviews.map((r) => JSON.stringify(r));
    lines.splice(100, 0, '{"id": "broken", "text": "no closing brace"');
    lines.splice(300, 0, JSON.stringify({ id: 'g5', text: 'A second copy of g5.' }));
    lines.splice(400, 0, JSON.stringify({ id: 'empty', text: '   ', rating: 1 }));
    lines.splice(500, 0, '');
    lines.push('{"id": "last", "text": "The order arrived co');
    const path = await file('unclassified.jsonl', lines.join('\n'));
    const one = await report(path, '--threads', '1');
    assert.equal(one.status, 1, one.stderr);
    assert.equal(one.summary.volume.reviews, 600);
    const skipped = Object.fromEntries(one.summary.skipped.map((s) => [s.reason, s]));
    assert.deepEqual(skipped.duplicateId.examples, ['g5']);
    assert.deepEqual(skipped.unreadable, { reason: 'unreadable', count: 2, examples: ['line 101', 'empty'] });
    assert.deepEqual(skipped.cutOff.examples, [`line ${lines.length}`]);
    assert.equal(one.summary.input.problems.length, 3);
    assert.match(one.summary.input.problems[0], /^Line 101: not a review we can read/);
    assert.match(one.summary.input.problems[1], /^Line 401: .*no text/);
    assert.match(one.summary.input.problems[2], new RegExp(`^Line ${lines.length}: .*looks cut off`));
    for (const threads of ['2', '3']) {
      const many = await report(path, '--threads', threads);
      assert.equal(many.status, 1, many.stderr);
      assert.deepEqual(many.summary, one.summary, `${threads} threads`);
    }
  });

  test('CSV: the same report on 1 and 2 threads; a refused row is named by its line in the file', async () => {
    const rows = reviews.map((r) => [r.id, r.text, r.rating, r.createdAt, r.carrier].map(quote).join(','));
    // A row whose text spans two lines, so rows and lines part ways; then a row with a rating of 9.
    rows.splice(10, 0, `"multi","First line\nsecond line of the same review, and the food was cold",2,2024-01-02,UPS`);
    rows.splice(250, 0, `"nine","Fine food",9,2024-01-20,DHL`);
    const path = await file('unclassified.csv', `id,text,rating,date,carrier\n${rows.join('\n')}\n`);
    const one = await report(path, '--threads', '1');
    const two = await report(path, '--threads', '2');
    assert.equal(one.status, 1, one.stderr);
    assert.deepEqual(two.summary, one.summary);
    assert.equal(one.summary.volume.reviews, 601);
    // Header, 250 rows before it, one of them two lines long: line 253.
    assert.deepEqual(one.summary.input.problems.length, 1);
    assert.match(one.summary.input.problems[0], /^Line 253: .*rating 9 is out of range/);
  });

  test('the progress bar counts what was counted, to 100%', async () => {
    const path = await file('progress.jsonl', `${reviews.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const { status, stderr } = await report(path, '--threads', '2', '--progress');
    assert.equal(status, 0, stderr);
    assert.match(stderr, /\[#{30}\] 100% {2}600 reviews, [\d,]+ reviews\/s\u001b\[K\n$/);
  });

  test('--threads takes a positive whole number', async () => {
    const r = await cli(['report', await file('t.jsonl', '{"text":"ok"}\n'), '--threads', '0']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--threads takes a positive whole number/);
  });
});

describe('reviewloop classify --with-review', () => {
  const csv = () => {
    const rows = reviews.slice(0, 120).map((r) => [r.id, r.text, r.rating, r.createdAt, r.carrier, 'red'].map(quote).join(','));
    return `Review ID,Body,Stars,Date,Carrier,Colour\n${rows.join('\n')}\n`;
  };

  test('writes each review in our field names with its classification', async () => {
    const { status, lines } = await cli(['classify', await file('export.csv', csv()), '--with-review']);
    assert.equal(status, 0);
    assert.equal(lines.length, 120);
    const [first] = lines;
    assert.equal(first.id, reviews[0].id);
    assert.equal(first.text, reviews[0].text);
    assert.equal(first.carrier, 'UPS');
    assert.equal(first.createdAt, reviews[0].createdAt);
    assert.equal(first.classification.id, reviews[0].id);
    assert.ok(['positive', 'negative', 'neutral', 'mixed'].includes(first.classification.sentiment.label));
    assert.ok(Array.isArray(first.classification.categories));
  });

  test('the report reads its output as classified: same figures, and the labels it carries are the ones counted', async () => {
    const path = await file('export2.csv', csv());
    const classified = await cli(['classify', path, '--with-review']);
    const direct = await report(path);
    const jsonl = await file('classified.jsonl', classified.stdout);
    const fromClassified = await report(jsonl);
    assert.equal(fromClassified.status, 0, fromClassified.stderr);
    const { input: _a, ...a } = direct.summary;
    const { input: _b, ...b } = fromClassified.summary;
    assert.deepEqual(b, a);
    assert.equal(fromClassified.summary.input.format, 'jsonl');
    // Labels edited after classifying are the ones the report counts: it did not classify again.
    const edited = classified.lines.map((r) => JSON.stringify({ ...r, classification: { ...r.classification, sentiment: { label: 'positive' }, categories: [] } }));
    const s = (await report(await file('edited.jsonl', edited.join('\n')))).summary;
    assert.deepEqual(s.volume.bySentiment.find((x) => x.id === 'positive').reviews, 120);
    assert.deepEqual(s.rootCauses, []);
  });

  test('a row it cannot classify is refused in place, as without the option', async () => {
    const { status, lines } = await cli(['classify', await file('bad.csv', 'id,text,rating\n1,Great,5\n2,,4\n3,Cold food,1\n'), '--with-review']);
    assert.equal(status, 1);
    assert.deepEqual(lines.map((l) => l.id), ['1', '2', '3']);
    assert.equal(lines[1].line, 3);
    assert.match(lines[1].error, /no text/);
    assert.equal(lines[2].classification.id, '3');
  });
});
