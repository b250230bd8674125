// Benchmark of `reviewloop report`: time and peak memory over 250,000,
// 500,000 and 1,000,000 reviews generated from ../shared/data (real review
// texts, classified once, given invented products, SKUs, carriers, regions,
// warehouses, dates over a year and recovery timestamps), written to a
// temporary file at run time and deleted afterwards. Memory that stays flat
// as the input grows is what streaming promises; the target is under 60 s
// for 1,000,000 reviews on our 2-core machine.
//
//   node tests/bench/report.js            # 250k, 500k, 1M (a few minutes)
//   node tests/bench/report.js --quick    # 50k, 100k, 200k
//   node tests/bench/report.js --unclassified   # only the threads comparison
//   node tests/bench/report.js --sizes=1000000,2000000   # sizes of your choice
//
// The reviews carry their classification (as `reviewloop classify` output
// merged into the review), so the figure is the report's own cost. At the
// end, reviews without a classification: classified on the main thread
// (`--threads 1`, as before threads) and in worker threads (`--threads 2`),
// run alternately three times so a busy spell on the machine hits both.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { classifyBatch, init } from '../../js/index.js';
import { parseRecords } from '../../js/lib/records.js';

const DATA = new URL('../../../shared/data/', import.meta.url);
const CLI = fileURLToPath(new URL('../../js/cli.js', import.meta.url));
const quick = process.argv.includes('--quick');
const sizesArg = process.argv.find((arg) => arg.startsWith('--sizes='));
const SIZES = sizesArg
  ? sizesArg.slice('--sizes='.length).split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0)
  : quick ? [50_000, 100_000, 200_000] : [250_000, 500_000, 1_000_000];
/** Distinct texts, classified once and reused across the generated stream. */
const TEXTS = quick ? 2_000 : 6_000;
/** Reviews classified as they are read, for the classifier-bound rate. */
const UNCLASSIFIED = quick ? 8_000 : 40_000;
const onlyUnclassified = process.argv.includes('--unclassified');

/** A deterministic stream of choices (xorshift32). */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

async function texts() {
  const read = async (path) => parseRecords(await readFile(new URL(path, DATA), 'utf8')).filter((r) => r.review?.text);
  const clothing = await read('womens_clothing/reviews_dev.csv');
  const grubhub = await read('grubhub_llm_labelled/reviews_15000_gemini_labels.csv');
  const half = TEXTS / 2;
  const picked = [...clothing.slice(0, half), ...grubhub.slice(0, half)].map((r) => ({ text: r.review.text, title: r.review.title, rating: r.review.rating }));
  const started = performance.now();
  const results = classifyBatch(picked);
  const seconds = (performance.now() - started) / 1000;
  return { reviews: picked.map((r, i) => ({ ...r, classification: results[i] })).filter((r) => !('error' in r.classification)), rate: picked.length / seconds };
}

const PRODUCTS = Array.from({ length: 300 }, (_, i) => `Product ${i + 1}`);
const CARRIERS = ['UPS', 'DHL', 'Royal Mail', 'Evri', 'FedEx', 'USPS'];
const REGIONS = ['North', 'South', 'East', 'West', 'Central', 'Scotland', 'Wales', 'NI'];
const WAREHOUSES = ['Leeds', 'Bristol', 'Reno'];
const SIZES_OF = ['XS', 'S', 'M', 'L', 'XL'];
const START = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

/** Writes `count` reviews as JSON Lines: one of the classified texts each, with invented context. */
async function generate(path, count, reviews, classified) {
  const random = rng(count);
  const out = createWriteStream(path);
  let chunk = [];
  for (let i = 0; i < count; i++) {
    const r = reviews[Math.floor(random() * reviews.length)];
    const product = Math.floor(random() * PRODUCTS.length);
    const at = START + Math.floor((i / count) * 365 * DAY + random() * DAY);
    const line = {
      id: `b${i}`,
      text: r.text,
      title: r.title,
      rating: r.rating,
      product: PRODUCTS[product],
      sku: `P${product + 1}-${SIZES_OF[Math.floor(random() * SIZES_OF.length)]}`,
      carrier: CARRIERS[Math.floor(random() * CARRIERS.length)],
      region: REGIONS[Math.floor(random() * REGIONS.length)],
      warehouse: WAREHOUSES[Math.floor(random() * WAREHOUSES.length)],
      createdAt: new Date(at).toISOString(),
      orderValue: Math.round(1000 + random() * 9000) / 100,
    };
    if (r.classification.needsReply && random() < 0.7) line.repliedAt = new Date(at + random() * 3 * DAY).toISOString();
    if (r.classification.needsReply && random() < 0.4) line.resolvedAt = new Date(at + (3 + random() * 5) * DAY).toISOString();
    if (classified) Object.assign(line, r.classification, { id: line.id });
    chunk.push(JSON.stringify(line));
    if (chunk.length === 2000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end(chunk.length ? `${chunk.join('\n')}\n` : '');
  await once(out, 'finish');
}

/** Runs the report as a user would; /usr/bin/time reports the peak resident memory. */
async function report(path, ...args) {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M %U %S', process.execPath, CLI, 'report', path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const [status] = await once(child, 'close');
  const seconds = (performance.now() - started) / 1000;
  const [peakKb, user, system] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
  if (status !== 0 || !Number.isFinite(peakKb)) throw new Error(`report failed (${status}): ${stderr}`);
  return { seconds, cpu: user + system, peakMb: peakKb / 1024, headline: stdout.split('\n')[0] };
}

await init();
const dir = await mkdtemp(join(tmpdir(), 'reviewloop-bench-'));
try {
  console.log(`reviewloop report benchmark (${quick ? 'quick' : 'full'}), Node ${process.version}`);
  const { reviews, rate } = await texts();
  console.log(`${reviews.length.toLocaleString('en-US')} distinct review texts from ../shared/data, classified once at ${Math.round(rate).toLocaleString('en-US')} reviews/s`);
  console.log(`\nload average before: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores; other work on the machine stretches wall time, not CPU time)`);
  console.log('\n  reviews      file   wall time   CPU time   reviews/s (wall)   peak memory   vs the first size');
  let firstPeak;
  for (const size of onlyUnclassified ? [] : SIZES) {
    const path = join(dir, `reviews-${size}.jsonl`);
    await generate(path, size, reviews, true);
    const bytes = (await stat(path)).size;
    const r = await report(path);
    firstPeak ??= r.peakMb;
    console.log(
      `${size.toLocaleString('en-US').padStart(9)}  ${`${Math.round(bytes / 1048576)} MB`.padStart(8)}  ${`${r.seconds.toFixed(1)} s`.padStart(10)}  ${`${r.cpu.toFixed(1)} s`.padStart(9)}  ${Math.round(size / r.seconds).toLocaleString('en-US').padStart(17)}  ${`${r.peakMb.toFixed(0)} MB`.padStart(12)}  ${`${r.peakMb - firstPeak >= 0 ? '+' : ''}${(r.peakMb - firstPeak).toFixed(0)} MB`.padStart(16)}`,
    );
    await rm(path);
  }
  const path = join(dir, 'unclassified.jsonl');
  await generate(path, UNCLASSIFIED, reviews, false);
  console.log(`\nclassifying as it reads (no classification in the input; each thread's wasm instance spends about a second warming up), ${UNCLASSIFIED.toLocaleString('en-US')} reviews, load average ${(await import('node:os')).loadavg()[0].toFixed(1)}:`);
  const rates = { 1: [], 2: [] };
  for (const threads of [1, 2, 1, 2, 1, 2]) {
    const r = await report(path, '--threads', String(threads));
    rates[threads].push(UNCLASSIFIED / r.seconds);
    console.log(
      `  --threads ${threads}: ${r.seconds.toFixed(1)} s wall, ${r.cpu.toFixed(1)} s CPU, ${Math.round(UNCLASSIFIED / r.seconds).toLocaleString('en-US')} reviews/s, peak ${r.peakMb.toFixed(0)} MB`,
    );
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  console.log(`  median of three: ${Math.round(median(rates[1])).toLocaleString('en-US')} reviews/s on one thread, ${Math.round(median(rates[2])).toLocaleString('en-US')} on two (${(median(rates[2]) / median(rates[1])).toFixed(2)}×); load average after: ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
