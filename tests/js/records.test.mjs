// js/lib/records.js: review exports (JSONL, CSV) read into review objects,
// whole or incrementally, with chunk boundaries anywhere.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';

import { parseRecords, streamRecords } from '../../js/lib/records.js';
import { DATA } from './helpers.mjs';

async function collect(chunks) {
  const items = [];
  for await (const item of streamRecords(chunks)) items.push(item);
  return items;
}

/** The text cut at the given offsets. */
function cut(text, ...at) {
  const bounds = [0, ...at, text.length];
  return bounds.slice(1).map((end, i) => text.slice(bounds[i], end));
}

describe('JSON Lines', () => {
  test('one review object a line; blank lines skipped; line numbers count them', () => {
    const text = '\n{"id":"a","text":"arrived broken","rating":2}\n\n  \r\n{"id":7,"text":"great","title":"Nice"}\r\n{"text":"last, no newline"}';
    assert.deepEqual(parseRecords(text), [
      { line: 2, review: { id: 'a', text: 'arrived broken', rating: 2 } },
      { line: 5, review: { id: 7, text: 'great', title: 'Nice' } },
      { line: 6, review: { text: 'last, no newline' } },
    ]);
  });

  test('field names of review apps are read as review fields; unknown ones are dropped', () => {
    const [record] = parseRecords('{"Review_ID":"r1","Body":"too small","Stars":"4","Review Title":"meh","Date":"2024-05-01","Reviewer-Name":"Ann","SKU":"S-1","likes":3}');
    assert.deepEqual(record, {
      line: 1,
      review: { text: 'too small', title: 'meh', rating: 4, id: 'r1', sku: 'S-1', createdAt: '2024-05-01', author: 'Ann' },
    });
  });

  test('the canonical name wins over an alias', () => {
    assert.deepEqual(parseRecords('{"body":"b","text":"t"}')[0].review, { text: 't' });
  });

  test('a malformed line, or one that is not an object, is an error item and reading goes on', () => {
    const items = parseRecords('{"id":"1","text":"ok"}\n{"id":"2","text":"cut off\n{"text":"x"} trailing\nnull\n5\n"text"\n[{"text":"x"}]\n{"id":"9","text":"still read"}\n');
    assert.deepEqual(items.map((i) => [i.line, 'review' in i]), [[1, true], [2, false], [3, false], [4, false], [5, false], [6, false], [7, false], [8, true]]);
    assert.equal(items[1].id, '2', 'the id of a broken line, when plain to see');
    assert.match(items[1].error, /line 2.*JSON/i);
    for (const item of items.slice(3, 7)) {
      assert.equal(item.id, null);
      assert.match(item.error, /not a review/);
    }
    assert.equal(items[7].review.id, '9');
  });

  test('ratings become numbers; a rating that is not a number is an error with the id', () => {
    const items = parseRecords('{"id":"a","text":"x","rating":"4.5"}\n{"id":"b","text":"x","rating":"five"}\n{"id":3,"text":"x","rating":true}\n{"text":"x","rating":null}');
    assert.equal(items[0].review.rating, 4.5);
    assert.deepEqual([items[1].line, items[1].id], [2, 'b']);
    assert.match(items[1].error, /rating "five".*number/);
    assert.deepEqual([items[2].line, items[2].id], [3, '3']);
    assert.equal(items[3].review.rating, null, 'null is no rating, for the core to accept');
  });

  test('a BOM and leading blank lines before the first object', () => {
    assert.deepEqual(parseRecords('\uFEFF\n \n{"text":"x"}'), [{ line: 3, review: { text: 'x' } }]);
  });
});

describe('CSV', () => {
  test('a header row, matched case-insensitively without spaces, underscores or dashes', () => {
    const text = 'Review ID,REVIEW_TEXT,Stars,review-title,Product,Variant,Carrier,Region,Warehouse,Created At,Reviewer Name,Platform,Language,Helpful Votes\n' +
      'r1,Too small,2,Tiny,Dress,Red M,UPS,EU,W1,2024-01-02,Ann,shopify,en,12\n';
    assert.deepEqual(parseRecords(text), [{
      line: 2,
      review: {
        text: 'Too small', title: 'Tiny', rating: 2, id: 'r1', product: 'Dress', variant: 'Red M', carrier: 'UPS',
        region: 'EU', warehouse: 'W1', createdAt: '2024-01-02', author: 'Ann', platform: 'shopify', language: 'en',
      },
    }]);
  });

  test('RFC 4180: quoted commas, doubled quotes, line breaks in quotes, CRLF, BOM', () => {
    const text = '\uFEFFid,text,rating\r\n1,"Lovely, but ""true to size"" it is not",3\r\n2,"Line one\r\nline two\nline three",1\r\n3,plain,5\r\n';
    assert.deepEqual(parseRecords(text), [
      { line: 2, review: { id: '1', text: 'Lovely, but "true to size" it is not', rating: 3 } },
      { line: 3, review: { id: '2', text: 'Line one\r\nline two\nline three', rating: 1 } },
      { line: 6, review: { id: '3', text: 'plain', rating: 5 } },
    ]);
  });

  test('empty cells are left out, except the text, which the classifier then refuses clearly', () => {
    assert.deepEqual(parseRecords('id,text,rating,title\n,x,,\n7,,4,\n'), [
      { line: 2, review: { text: 'x' } },
      { line: 3, review: { id: '7', text: '', rating: 4 } },
    ]);
  });

  test('blank lines are skipped; short rows read what they have; unknown columns are ignored', () => {
    assert.deepEqual(parseRecords('\n\ntext,extra,rating\n\nhello\n\n\nbye,zzz,4\n'), [
      { line: 5, review: { text: 'hello' } },
      { line: 8, review: { text: 'bye', rating: 4 } },
    ]);
  });

  test('bare CR line ends (old spreadsheet exports)', () => {
    assert.deepEqual(parseRecords('text,rating\rone,1\rtwo,2'), [
      { line: 2, review: { text: 'one', rating: 1 } },
      { line: 3, review: { text: 'two', rating: 2 } },
    ]);
  });

  test('a non-numeric rating is an error for that row, with its id', () => {
    const items = parseRecords('id,text,rating\na,fine,five stars\nb,fine,"4,5"\nc,fine,0x10\n');
    assert.deepEqual(items[0], { line: 2, id: 'a', error: items[0].error });
    assert.match(items[0].error, /rating "five stars".*1 to 5/);
    assert.equal(items[1].review.rating, 4.5);
    assert.equal(items[2].id, 'c');
    assert.ok('error' in items[2]);
  });

  test('an unterminated quote at the end is an error for the record where it opens', () => {
    const items = parseRecords('id,text\n1,fine\n2,"never closed,\nstill in the quote\n');
    assert.deepEqual(items[0], { line: 2, review: { id: '1', text: 'fine' } });
    assert.equal(items.length, 2);
    assert.equal(items[1].line, 3);
    assert.equal(items[1].id, '2');
    assert.match(items[1].error, /line 3 never closes/);
  });

  test('a CSV without a text column is an error naming the columns it saw', () => {
    const items = parseRecords('Order,Stars,Notes\n1,5,good\n2,1,bad\n');
    assert.equal(items.length, 1);
    assert.equal(items[0].line, 1);
    assert.equal(items[0].id, null);
    assert.match(items[0].error, /"Order", "Stars", "Notes"/);
    assert.match(items[0].error, /text/);
  });

  test('the real clothing export: every row read, its "Review Text" and "Title" mapped', async () => {
    const text = await readFile(new URL('womens_clothing/reviews_dev.csv', DATA), 'utf8');
    const items = parseRecords(text);
    assert.equal(items.length, 16479);
    assert.ok(items.every((i) => 'review' in i && typeof i.review.text === 'string'));
    assert.ok(items.every((i) => Number.isInteger(i.review.rating) && i.review.rating >= 1 && i.review.rating <= 5));
    // Title and Review Text are mapped; Clothing ID, Age, Division Name… are not review fields.
    assert.ok(items.every((i) => Object.keys(i.review).every((k) => ['text', 'title', 'rating'].includes(k))));
    assert.ok(items.filter((i) => i.review.title).length > 10000);
    assert.equal(items[0].line, 2);
    const lines = items.map((i) => i.line);
    assert.ok(lines.every((l, k) => k === 0 || l > lines[k - 1]), 'line numbers increase');
  });
});

describe('input that is neither', () => {
  test('empty and blank input give no records', () => {
    assert.deepEqual(parseRecords(''), []);
    assert.deepEqual(parseRecords(' \n\r\n\t'), []);
    assert.deepEqual(parseRecords('\uFEFF'), []);
  });

  test('parseRecords refuses what is not a string', () => {
    assert.throws(() => parseRecords(Buffer.from('text\nx')), TypeError);
    assert.throws(() => parseRecords(null), { message: /string/ });
  });

  test('a record longer than 16 MB is refused without holding it, and reading goes on', () => {
    const huge = 'x'.repeat(17 * 1024 * 1024);
    const jsonl = parseRecords(`{"id":"1","text":"${huge}"}\n{"id":"2","text":"after"}`);
    assert.equal(jsonl.length, 2);
    assert.match(jsonl[0].error, /line 1 is longer than 16 MB/i);
    assert.equal(jsonl[1].review.text, 'after');
    const csv = parseRecords(`id,text\n1,"${huge}"\n2,after\n`);
    assert.equal(csv.length, 2);
    assert.match(csv[0].error, /line 2 is longer than 16 MB/i);
    assert.deepEqual(csv[1], { line: 3, review: { id: '2', text: 'after' } });
  });
});

describe('streamRecords', () => {
  const CSV = '\uFEFFid,text,rating\r\n1,"Café crème 👗, ""runs small""\r\nsecond line 日本",2\r\n2,e\u0301clair 🇬🇧 arrived broken,1\n3,"unterminated 😩';
  const JSONL = '\n{"id":"é1","text":"Naïve 👍🏽 arrived broken"}\n{bad json 日本}\r\n{"id":2,"body":"too big 💔","stars":"4"}';

  test('strings cut at every offset give what parseRecords gives', async () => {
    for (const text of [CSV, JSONL]) {
      const whole = parseRecords(text);
      assert.ok(whole.length >= 3);
      for (let at = 0; at <= text.length; at++) {
        assert.deepEqual(await collect(cut(text, at)), whole, `cut at ${at}: ${JSON.stringify(text.slice(0, at))}`);
      }
      assert.deepEqual(await collect([...text]), whole, 'one code point a chunk');
      assert.deepEqual(await collect(text.split('')), whole, 'one UTF-16 unit a chunk, pairs split');
    }
  });

  test('Buffers cut inside multi-byte characters and inside quoted fields decode as one text', async () => {
    for (const text of [CSV, JSONL]) {
      const whole = parseRecords(text);
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at <= bytes.length; at++) {
        assert.deepEqual(await collect([bytes.subarray(0, at), bytes.subarray(at)]), whole, `cut at byte ${at}`);
      }
      for (let a = 1; a < bytes.length; a += 7) {
        const b = Math.min(bytes.length, a + 3);
        assert.deepEqual(await collect([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]), whole, `cut at bytes ${a}, ${b}`);
      }
      assert.deepEqual(await collect([...bytes].map((b) => Uint8Array.of(b))), whole, 'one byte a chunk');
    }
  });

  test('strings and Buffers mixed', async () => {
    const bytes = Buffer.from(CSV, 'utf8');
    const split = bytes.indexOf(Buffer.from('👗')) + 2; // inside the emoji
    const chunks = [bytes.subarray(0, split), bytes.subarray(split, split + 2), bytes.subarray(split + 2).toString('utf8')];
    assert.deepEqual(await collect(chunks), parseRecords(CSV));
  });

  test('refuses chunks that are neither text nor bytes', async () => {
    await assert.rejects(collect([{ text: 'x' }]), TypeError);
  });

  test('reads the real export from a file stream as parseRecords reads it whole', async () => {
    const url = new URL('womens_clothing/reviews_dev.csv', DATA);
    const whole = parseRecords(await readFile(url, 'utf8'));
    const streamed = await collect(createReadStream(url, { highWaterMark: 4099 }));
    assert.deepEqual(streamed, whole);
  });

  test('memory stays flat while streaming 100 MB', async () => {
    const row = Buffer.from('r,"A long review, with ""quotes"", commas and a line\nbreak — é 👍",4\n'.repeat(1000));
    const total = 100 * 1024 * 1024;
    async function* chunks() {
      yield Buffer.from('id,text,rating\n');
      for (let sent = 0; sent < total; sent += row.length) yield row;
    }
    // Live memory, not garbage awaiting collection: collect before each reading.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    const live = () => (gc(), process.memoryUsage().heapUsed);
    const before = live();
    let peak = 0;
    let count = 0;
    for await (const item of streamRecords(chunks())) {
      count += 1;
      assert.ok('review' in item);
      if (count % 100_000 === 0) peak = Math.max(peak, live() - before);
    }
    assert.equal(count, Math.ceil(total / row.length) * 1000);
    assert.ok(peak < 64 * 1024 * 1024, `heap grew by ${Math.round(peak / 1048576)} MB`);
  });
});
