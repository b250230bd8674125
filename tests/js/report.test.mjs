// The report (summarize, createReport, `reviewloop report`): its numbers on
// real reviews from ../shared/data against a slow reference computed here,
// review-app exports recognised by their headers, and bad input (unknown
// columns, missing and mixed dates, repeated ids, a file cut mid-line).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { classifyBatch, createReport, init, summarize } from '../../js/index.js';
import { parseRecords } from '../../js/lib/records.js';
import { DATA, cli as runCli } from './helpers.mjs';

let dir;
const file = async (name, text) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reviewloop-report-'));
  await init();
});
after(() => rm(dir, { recursive: true, force: true }));

/** Reviews of a shared CSV export, read as the CLI reads them, classified once. */
async function classified(path, count, shape) {
  const text = await readFile(new URL(path, DATA), 'utf8');
  const rows = parseRecords(text).filter((r) => r.review).slice(0, count);
  const records = rows.map((r, i) => shape(r.review, i));
  const results = classifyBatch(records);
  return records.map((r, i) => ({ ...r, classification: results[i] })).filter((r) => !('error' in r.classification));
}

const DAY = 86_400_000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/** grubhub's "2/11/21 17:09": month, day, two-digit year, time (UTC). */
function grubhubDay(text) {
  const [, m, d, y] = /^(\d+)\/(\d+)\/(\d+)/.exec(text);
  return Date.UTC(2000 + Number(y), Number(m) - 1, Number(d));
}

/** The slow way: every figure recomputed from the list, with nothing streamed or bounded. */
function reference(records, dayOf, windowDays) {
  const unhappy = (r) => ['negative', 'mixed'].includes(r.classification.sentiment.label) || (r.rating !== undefined && r.rating <= 2);
  const causes = (r) => [...new Set(r.classification.categories.map((c) => c.id))];
  const ref = { reviews: records.length, unhappy: 0, needsReply: 0, byRating: [0, 0, 0, 0, 0], bySentiment: {}, causes: {}, products: {}, window: {} };
  const days = records.map(dayOf).filter((d) => d !== null);
  const end = days.length ? Math.max(...days) : null;
  for (const r of records) {
    if (unhappy(r)) ref.unhappy += 1;
    if (r.classification.needsReply) ref.needsReply += 1;
    if (r.rating !== undefined) ref.byRating[Math.round(r.rating) - 1] += 1;
    const label = r.classification.sentiment.label;
    ref.bySentiment[label] = (ref.bySentiment[label] ?? 0) + 1;
    for (const c of causes(r)) ref.causes[c] = (ref.causes[c] ?? 0) + 1;
    if (r.product !== undefined) {
      const p = (ref.products[r.product] ??= { reviews: 0, unhappy: 0, ratingSum: 0, rated: 0 });
      p.reviews += 1;
      if (unhappy(r)) p.unhappy += 1;
      if (r.rating !== undefined) {
        p.ratingSum += r.rating;
        p.rated += 1;
      }
    }
    const day = dayOf(r);
    if (day !== null && day > end - windowDays * DAY) for (const c of causes(r)) ref.window[c] = (ref.window[c] ?? 0) + 1;
  }
  return { ...ref, end };
}

describe('numbers on real reviews match a slow reference', () => {
  test('grubhub (dated): volumes, root causes, store-wide windows, the timeline', async () => {
    const records = await classified('grubhub_llm_labelled/reviews_15000_gemini_labels.csv', 3000, (r, i) => ({ ...r, id: `g${i}` }));
    const summary = summarize(records);
    const dayOf = (r) => grubhubDay(r.createdAt);
    const ref = reference(records, dayOf, 14);
    assert.equal(summary.volume.reviews, ref.reviews);
    assert.equal(summary.volume.unhappy, ref.unhappy);
    assert.equal(summary.volume.needsReply, ref.needsReply);
    assert.deepEqual(Object.fromEntries(summary.volume.bySentiment.filter((s) => s.reviews).map((s) => [s.id, s.reviews])), ref.bySentiment);
    assert.deepEqual(Object.fromEntries(summary.rootCauses.map((c) => [c.id, c.reviews])), ref.causes);
    assert.equal(summary.period.asOf, isoDay(ref.end));
    // Store-wide recurring issues: every cause with ≥ 3 complaints in the 14 days to the last review.
    const store = summary.recurring.filter((i) => i.dimension === 'store');
    assert.deepEqual(
      Object.fromEntries(store.map((i) => [i.cause, i.reviews])),
      Object.fromEntries(Object.entries(ref.window).filter(([, n]) => n >= 3)),
    );
    // The timeline: 7-day periods ending on asOf, each cause counted per period.
    const t = summary.timeline;
    assert.equal(t.weekEnds.at(-1), summary.period.asOf);
    for (const series of t.causes) {
      t.weekEnds.forEach((weekEnd, k) => {
        const last = Date.parse(`${weekEnd}T00:00:00Z`);
        const n = records.filter((r) => {
          const d = dayOf(r);
          return d > last - 7 * DAY && d <= last && r.classification.categories.some((c) => c.id === series.id);
        }).length;
        assert.equal(series.counts[k], n, `${series.id} in the week to ${weekEnd}`);
      });
    }
    assert.equal(summary.dates.monthFirstGuesses > 0, true, 'grubhub dates like 2/11/21 are read month first, and said so');
  });

  test('women\'s clothing (undated, by product): products, ratings, repeats counted once', async () => {
    const records = await classified('womens_clothing/reviews_dev.csv', 3000, (r, i) => ({ ...r, id: `w${i}`, product: `${3000 + (i % 40)}` }));
    // Every record twice: the second copy of each id is left out.
    const summary = summarize([...records, ...records]);
    const ref = reference(records, () => null, 14);
    assert.equal(summary.volume.reviews, ref.reviews);
    assert.equal(summary.volume.unhappy, ref.unhappy);
    assert.deepEqual(summary.volume.byRating, ref.byRating);
    assert.deepEqual(summary.skipped, [{ reason: 'duplicateId', count: records.length, examples: records.slice(0, 5).map((r) => r.id) }]);
    assert.equal(summary.dates.undated, records.length);
    const products = summary.breakdowns.find((b) => b.dimension === 'product');
    assert.equal(products.values, 40);
    for (const item of products.items) {
      const p = ref.products[item.value];
      assert.equal(item.reviews, p.reviews, item.value);
      assert.equal(item.unhappy, p.unhappy, item.value);
      assert.equal(item.averageRating, Math.round((p.ratingSum / p.rated) * 100) / 100, item.value);
    }
    // The most unhappy product comes first.
    const most = Math.max(...Object.values(ref.products).map((p) => p.unhappy));
    assert.equal(products.items[0].unhappy, most);
    // Without dates, recurring issues count every review.
    for (const issue of summary.recurring.filter((i) => i.dimension === 'product')) {
      const n = records.filter((r) => r.product === issue.value && r.classification.categories.some((c) => c.id === issue.cause)).length;
      assert.equal(issue.reviews, n, issue.sentence);
      assert.equal(issue.growth, null);
    }
  });
});

describe('the JS API', () => {
  test('summarize classifies what is not classified and names what it could not read', () => {
    const s = summarize([
      { id: 'a', text: 'Runs two sizes small.', sku: 'TEE-BLK-M', createdAt: '2024-05-01' },
      { id: 'b', text: '', sku: 'TEE-BLK-M' },
      { id: 'c', text: 'Lovely', rating: 11 },
    ]);
    assert.equal(s.volume.reviews, 1);
    assert.deepEqual(s.notCounted.map((n) => [n.index, n.id]), [[1, 'b'], [2, 'c']]);
    assert.match(s.notCounted[0].error, /no text/);
    assert.match(s.notCounted[1].error, /rating 11 is out of range/);
  });

  test('bad arguments are refused with a reason', () => {
    assert.throws(() => summarize('reviews'), /expects an array/);
    assert.throws(() => summarize([], { windowDays: 0 }), /windowDays/);
    assert.throws(() => summarize([], { asOf: 'soon' }), /asOf/);
    assert.throws(() => summarize([], { windowDays: 'two' }), /report options could not be read/);
    const report = createReport();
    report.close();
    assert.throws(() => report.summary(), /closed/);
  });

  test('a follow-up may invite an update only after resolution, never with an offer', () => {
    const s = summarize([{ id: 'x', text: 'Broke after a day.', createdAt: '2024-05-01', repliedAt: '2024-05-01T05:00:00Z', resolvedAt: '2024-05-02' }]);
    assert.equal(s.recovery.followUpsDue, 1);
    assert.match(s.recovery.updateInvitation, /welcome to update your review/);
    assert.doesNotMatch(s.recovery.updateInvitation, /discount|coupon|gift|free|refund|star/i);
  });
});

describe('review-app exports are recognised by their headers', () => {
  const exports = {
    'Judge.me':
      'title,body,rating,review_date,source,curated,reviewer_name,reviewer_email,product_id,product_handle,reply,reply_date,picture_urls,ip_address,location\n' +
      'Too small,"Runs small, sent it back",2,2024-03-05 10:00:00 UTC,web,ok,Sam,sam@example.com,111,linen-shirt,,,,10.0.0.1,Leeds\n',
    'Shopify Product Reviews':
      'product_handle,state,rating,title,author,email,location,body,reply,created_at,replied_at\n' +
      'linen-shirt,published,2,Too small,Sam,sam@example.com,Leeds,"Runs small, sent it back",,2024-03-05T10:00:00-04:00,\n',
    Yotpo:
      'Review ID,Review Title,Review Content,Review Score,Date,Product ID,Product Title,Display Name,Email\n' +
      'y1,Too small,"Runs small, sent it back",2,2024-03-05,111,linen-shirt,Sam,sam@example.com\n',
    Trustpilot:
      'Review ID,Review Created (UTC),Review Title,Review Content,Review Stars,Review Language,Name,Email,Reference Id\n' +
      't1,2024-03-05T10:00:00Z,Too small,"Runs small, sent it back",2,en,Sam,sam@example.com,ORD-1\n',
  };
  for (const [app, csv] of Object.entries(exports)) {
    test(app, () => {
      const info = {};
      const [record] = parseRecords(csv, info);
      assert.equal(info.app, app);
      assert.equal(record.review.text, 'Runs small, sent it back');
      assert.equal(record.review.title, 'Too small');
      assert.equal(record.review.rating, 2);
      assert.match(record.review.createdAt, /^2024-03-05/);
      if (app !== 'Trustpilot') assert.ok(['linen-shirt', '111'].includes(record.review.product), record.review.product);
      assert.ok(!Object.values(record.review).includes('sam@example.com'), 'the email is not read');
      assert.ok([...info.unread].some((c) => /email/i.test(c)), 'and is listed as not read');
    });
  }

  test('a plain CSV is no app; its unknown columns are listed', () => {
    const info = {};
    parseRecords('id,text,warehouse_code,colour\n1,Fine,W1,red\n', info);
    assert.equal(info.app, null);
    assert.deepEqual([...info.unread], ['warehouse_code', 'colour']);
  });
});

describe('reviewloop report', () => {
  const good = [
    { id: 'r1', text: 'Runs two sizes small, had to send it back.', sku: 'TEE-BLK-M', rating: 2, createdAt: '2024-05-01', carrier: 'UPS', colour: 'black' },
    { id: 'r2', text: 'Runs small, order a size up.', sku: 'TEE-BLK-M', rating: 2, createdAt: '05/03/2024' },
    { id: 'r3', text: 'Way too small in the shoulders.', sku: 'TEE-BLK-M', rating: 1, createdAt: 'May 4, 2024' },
    { id: 'r4', text: 'The box was crushed and the mug cracked.', sku: '<img src=x onerror=alert(1)>', rating: 1 },
    { id: 'r5', text: 'It caught fire while charging! <script>alert(1)</script>', sku: 'PB-1', createdAt: 'next Tuesday' },
  ];
  const lines = [
    ...good.map((r) => JSON.stringify(r)),
    JSON.stringify({ ...good[0], text: 'A second copy of r1 with other words.' }),
    '{"id": "bad", "text": "no closing brace"',
    '{"id": "r6", "text": "Lovely soft fabric and it fits well", "sku": "TEE-BLK-M", "createdAt": "2024-05-0',
  ];

  test('bad input: what was skipped and why, nothing counted twice', async () => {
    const path = await file('mixed.jsonl', lines.join('\n'));
    const { status, stdout, stderr } = await runCli(['report', path, '--json']);
    assert.equal(status, 1, stderr);
    assert.equal(stderr, '', 'no progress bar when stderr is not a terminal');
    const s = JSON.parse(stdout);
    assert.equal(s.volume.reviews, 5);
    const skipped = Object.fromEntries(s.skipped.map((x) => [x.reason, x]));
    assert.equal(skipped.duplicateId.count, 1);
    assert.deepEqual(skipped.duplicateId.examples, ['r1']);
    assert.deepEqual(skipped.unreadable, { reason: 'unreadable', count: 1, examples: ['line 7'] });
    assert.deepEqual(skipped.cutOff, { reason: 'cutOff', count: 1, examples: ['line 8'] });
    assert.deepEqual(s.dates, { undated: 1, unreadable: 1, unreadableExamples: ['next Tuesday'], monthFirstGuesses: 1 });
    assert.deepEqual(s.input.unread, ['colour']);
    const tee = s.recurring.find((i) => i.dimension === 'sku' && i.value === 'TEE-BLK-M');
    assert.equal(tee.cause, 'size_fit');
    assert.equal(tee.reviews, 3, 'the repeated r1 is not counted again');
    assert.equal(tee.sentence, '3 reviews of SKU TEE-BLK-M about size or fit in 14 days (to 2024-05-04)');
    assert.deepEqual(s.urgent.map((u) => u.id), ['r5']);
  });

  test('the text report says it in words', async () => {
    const path = await file('mixed2.jsonl', lines.join('\n'));
    const { status, stdout } = await runCli(['report', path]);
    assert.equal(status, 1);
    assert.match(stdout, /5 reviews, 2024-05-01 to 2024-05-04/);
    assert.match(stdout, /3 reviews of SKU TEE-BLK-M about size or fit in 14 days/);
    assert.match(stdout, /1 record left out: the same review id appeared earlier, so it was counted once \(e\.g\. r1\)/);
    assert.match(stdout, /1 record left out: the file ends in the middle of a record \(cut off\?\) \(e\.g\. line 8\)/);
    assert.match(stdout, /Line 8: not a review we can read .* it looks cut off/);
    assert.match(stdout, /1 review with no date/);
    assert.match(stdout, /1 date we could not read \(e\.g\. "next Tuesday"\)/);
    assert.match(stdout, /Columns not read: colour\./);
  });

  test('--html writes one self-contained file, customer text escaped', async () => {
    const path = await file('html.jsonl', lines.slice(0, 5).join('\n'));
    const html = join(dir, 'report.html');
    const { status } = await runCli(['report', path, '--html', html]);
    assert.equal(status, 0);
    const page = await readFile(html, 'utf8');
    assert.match(page, /^<!doctype html>/);
    assert.match(page, /<svg /);
    assert.doesNotMatch(page, /<(script|img|link|iframe)[\s>]/i, 'no scripts, no customer markup, nothing fetched');
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  test('a CSV cut mid-line, and --progress', async () => {
    const csv = 'id,text,rating,created_at,sku\n1,Runs small,2,2024-05-01,TEE\n2,Runs small too,2,2024-05-02,TEE\n3,Runs sm';
    const path = await file('cut.csv', csv);
    const { status, stdout, stderr } = await runCli(['report', path, '--json', '--progress']);
    assert.equal(status, 1);
    const s = JSON.parse(stdout);
    assert.equal(s.volume.reviews, 2);
    assert.deepEqual(s.skipped, [{ reason: 'cutOff', count: 1, examples: ['line 4'] }]);
    assert.match(s.input.problems[0], /has 2 of the header's 5 columns .* cut off/);
    assert.match(stderr, /2 reviews, \d+ reviews\/s/);
    assert.match(stderr, /\[#+\] 100%/);
  });

  test('usage errors', async () => {
    assert.equal((await runCli(['report'])).status, 2);
    const r = await runCli(['report', 'no-such-file.csv']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read no-such-file\.csv: no such file/);
    const w = await runCli(['report', await file('x.jsonl', '{"text":"ok"}\n'), '--window', '0']);
    assert.equal(w.status, 2);
    assert.match(w.stderr, /--window takes a positive whole number/);
  });
});
