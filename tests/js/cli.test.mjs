// `node js/cli.js`, spawned as a user runs it: files, stdin, bad lines,
// exit statuses, and real reviews streamed through a pipe.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { classifyBatch, init } from '../../js/index.js';
import { parseRecords } from '../../js/lib/records.js';
import { CLI, DATA, assertClassification, cli, labels } from './helpers.mjs';

let dir;
const file = (name, text) => {
  const path = join(dir, name);
  return writeFile(path, text).then(() => path);
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reviewloop-cli-'));
  await init();
});
after(() => rm(dir, { recursive: true, force: true }));

const JSONL = [
  { id: 'j1', text: 'The teapot arrived broken, spout snapped off.', rating: 1 },
  { id: 'j2', text: 'Gorgeous scarf, soft and warm. Love it!', rating: 5 },
  { id: 3, text: 'It caught fire on the first charge.', product: 'Power bank' },
  { text: 'Still waiting for my refund after six weeks.' },
].map((r) => JSON.stringify(r)).join('\n');

describe('classify', () => {
  test('a JSONL file: one classification a line, in input order, with the ids', async () => {
    const { status, lines, stderr } = await cli(['classify', await file('reviews.jsonl', `${JSONL}\n`)]);
    assert.equal(stderr, '');
    assert.equal(status, 0);
    assert.deepEqual(lines.map((l) => l.id), ['j1', 'j2', '3', null]);
    assert.ok(labels(lines[0]).includes('damaged_in_transit'));
    assert.equal(lines[1].sentiment.label, 'positive');
    assert.equal(lines[2].priority, 'urgent');
    assert.ok(labels(lines[3]).includes('refund'));
    for (const line of lines) assert.ok(!('error' in line));
  });

  test('stdin, when FILE is - or absent', async () => {
    const expected = (await cli(['classify', await file('same.jsonl', JSONL)])).lines;
    for (const args of [['classify'], ['classify', '-']]) {
      const { status, lines } = await cli(args, JSONL);
      assert.equal(status, 0);
      assert.deepEqual(lines, expected);
    }
  });

  test('a bad line in the middle gives { id, error, line }; the others are classified in order; exit 1', async () => {
    const text = [
      '{"id":"a","text":"Runs two sizes small."}',
      '{"id":"b","text":"broken json',
      '{"id":"c","text":"   "}',
      '["not", "an", "object"]',
      '{"id":"e","text":"Never ordering from here again."}',
    ].join('\n');
    const { status, lines } = await cli(['classify', await file('bad.jsonl', text)]);
    assert.equal(status, 1);
    assert.deepEqual(lines.map((l) => l.id), ['a', 'b', 'c', null, 'e']);
    assert.ok(labels(lines[0]).includes('size_fit'));
    for (const [k, line] of [[1, 2], [2, 3], [3, 4]]) {
      assert.deepEqual(Object.keys(lines[k]).sort(), ['error', 'id', 'line']);
      assert.equal(lines[k].line, line);
      assert.ok(lines[k].error.length > 10);
    }
    assert.match(lines[1].error, /JSON/);
    assert.match(lines[2].error, /text/);
    assert.ok(labels(lines[4]).includes('churn'));
  });

  test('a CSV with a BOM, CRLF and quoted multi-line fields', async () => {
    const csv = '\uFEFFReview ID,Title,Review Text,Stars,SKU\r\n' +
      'c1,"Sad","The lamp arrived broken.\r\nThe box was crushed, too.",1,L-9\r\n' +
      'c2,,"She said ""perfect"" —\nand it is. 👍",5,L-9\r\n' +
      'c3,Hmm,"Runs small, order a size up",three,S-1\r\n' +
      'c4,,"Charged me twice for one order, and the discount code didn\'t apply.",2,S-2\r\n';
    const { status, lines } = await cli(['classify', await file('export.csv', csv)]);
    assert.equal(status, 1, 'the rating "three" is refused');
    assert.deepEqual(lines.map((l) => l.id), ['c1', 'c2', 'c3', 'c4']);
    assert.ok(labels(lines[0]).includes('damaged_in_transit'));
    assert.equal(lines[1].sentiment.label, 'positive');
    assert.equal(lines[2].line, 6);
    assert.match(lines[2].error, /rating "three"/);
    assert.ok(labels(lines[3]).includes('billing'));
  });

  test('a CSV without a text column names the columns it saw; exit 1', async () => {
    const { status, lines } = await cli(['classify', await file('notext.csv', 'Order,Stars\n1,5\n')]);
    assert.equal(status, 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0].error, /"Order", "Stars"/);
  });

  test('empty input: no output, exit 0', async () => {
    const { status, stdout } = await cli(['classify', await file('empty.csv', '')]);
    assert.equal(status, 0);
    assert.equal(stdout, '');
  });

  test('streams: output comes before the input ends', async () => {
    const child = spawn(process.execPath, [fileURLToPath(CLI), 'classify'], { stdio: 'pipe' });
    const review = (i) => `${JSON.stringify({ id: `s${i}`, text: `Review ${i}: the zip broke after a week.` })}\n`;
    let out = '';
    const enough = new Promise((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (d) => {
        out += d;
        if (out.split('\n').length > 512) resolve();
      });
    });
    // One batch and a bit, then wait: the first batch must arrive while stdin is still open.
    child.stdin.write(Array.from({ length: 600 }, (_, i) => review(i)).join(''));
    await enough;
    child.stdin.end(review(600));
    const [status] = await once(child, 'close');
    assert.equal(status, 0);
    const ids = out.split('\n').filter(Boolean).map((l) => JSON.parse(l).id);
    assert.deepEqual(ids, Array.from({ length: 601 }, (_, i) => `s${i}`));
  });

  test('a reader that stops early (| head) ends the run quietly', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: i, text: 'Lovely colour, runs small.' })).join('\n');
    const child = spawn(process.execPath, [fileURLToPath(CLI), 'classify', await file('many.jsonl', lines)], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const [status] = await once(child, 'close');
    assert.equal(stderr, '');
    assert.equal(status, 0);
  });

  test('the first 2000 real reviews of the clothing export, streamed through a pipe', async () => {
    const url = new URL('womens_clothing/reviews_dev.csv', DATA);
    const records = parseRecords(await readFile(url, 'utf8'));
    // The byte where record 2001 starts, so the pipe carries the header and 2000 records.
    const text = await readFile(url, 'utf8');
    let offset = 0;
    for (let line = 1; line < records[2000].line; line++) offset = text.indexOf('\n', offset) + 1;
    const bytes = Buffer.byteLength(text.slice(0, offset));
    const { status, lines } = await cli(['classify'], createReadStream(url, { end: bytes - 1, highWaterMark: 8192 }));
    const reviews = records.slice(0, 2000).map((r) => r.review);
    assert.equal(lines.length, 2000);
    // Through JSON, as the CLI writes it (a score of -0 prints as 0).
    const expected = JSON.parse(JSON.stringify(classifyBatch(reviews)));
    lines.forEach((line, i) => {
      if ('error' in expected[i]) {
        assert.deepEqual(line, { ...expected[i], line: records[i].line });
      } else {
        assert.deepEqual(line, expected[i]);
        assertClassification(line, reviews[i]);
      }
    });
    assert.equal(status, lines.some((l) => 'error' in l) ? 1 : 0);
  });
});

describe('usage', () => {
  test('--help prints usage on stdout, exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['classify', '--help']]) {
      const { status, stdout } = await cli(args);
      assert.equal(status, 0);
      assert.match(stdout, /Usage: reviewloop/);
      assert.match(stdout, /classify/);
    }
  });

  test('no command prints usage on stderr, exit 2', async () => {
    const { status, stdout, stderr } = await cli([]);
    assert.equal(status, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /Usage: reviewloop/);
  });

  test('an unknown command, an unknown option or two files: a clear error on stderr, exit 2', async () => {
    for (const [args, message] of [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['classify', '--brand', 'x'], /Unknown option '--brand'/],
      [['classify', 'a.csv', 'b.csv'], /one FILE/],
    ]) {
      const { status, stdout, stderr } = await cli(args);
      assert.equal(status, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.match(stderr, /--help/);
    }
  });

  test('a missing file or a directory: a clear error on stderr, exit 2', async () => {
    const missing = join(dir, 'no-such-file.csv');
    let { status, stdout, stderr } = await cli(['classify', missing]);
    assert.equal(status, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /cannot read .*no-such-file\.csv: no such file/);
    ({ status, stderr } = await cli(['classify', dir]));
    assert.equal(status, 2);
    assert.match(stderr, /directory/);
  });
});
