// The figures behind the README: throughput against the npm `sentiment` package,
// start-up time, wasm size (each package: the classifier's own, js/pkg-classify,
// is the one a page that only classifies downloads), cost of very long reviews,
// and memory over a million classifications. Everything runs in this one Node process (start-up apart, which
// needs fresh ones), so each ratio compares numbers from the same run.
//
//   node tests/bench/bench.js            full run (what `make bench` does)
//   node tests/bench/bench.js --quick    smoke run: 100,000 classifications, fewer passes
//
// Reads real reviews from ../shared/data at run time; never copy them into the repo.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { parseRecords } from '../../js/lib/records.js';

const benchStart = performance.now();

const JS_DIR = new URL('../../js/', import.meta.url);
const INDEX = new URL('index.js', JS_DIR);
const GLUE = new URL('pkg/reviewloop.js', JS_DIR);
const WASM = new URL('pkg/reviewloop_bg.wasm', JS_DIR);
/** What `make build` makes, one package a surface (README, "Packages per surface"). */
const PACKAGES = [
  { dir: 'pkg-classify', what: 'classifier', target: 300 * 1024 },
  { dir: 'pkg', what: 'whole engine' },
  { dir: 'pkg-widget', what: 'widget' },
];
/**
 * The entries whose start-up is timed: the classifier's own first, which has
 * the target. The last row is a diagnosis, not a setting anyone should use:
 * the same entry with V8's optimising compiler held off (its tier-up budget
 * out of reach), which shows how much of the first result is V8 optimising
 * the one-shot loading code on threads that share the cores (README, "Where
 * the start-up goes").
 */
const ENTRIES = [
  { file: 'classify.js', target: 30 },
  { file: 'index.js' },
  { file: 'classify.js', flags: ['--wasm-tiering-budget=1000000000'], note: 'no optimising compiles (diagnosis)' },
];
const DATA = new URL('../../../shared/data/womens_clothing/reviews_dev.csv', import.meta.url);

const args = process.argv.slice(2);
if (args.some((arg) => arg !== '--quick')) {
  fail(`unknown argument ${args.find((arg) => arg !== '--quick')}; usage: node tests/bench/bench.js [--quick]`);
}
const QUICK = args.includes('--quick');
const PLAN = QUICK
  ? { runs: 3, passes: 1, classifications: 100_000, startups: 11, longRuns: 1 }
  : { runs: 5, passes: 3, classifications: 1_000_000, startups: 15, longRuns: 3 };
const BATCH = 1000;
const KB = 1024;
/** A review with next to nothing in it: what any call costs before the text is read. */
const TWO_LETTERS = { text: 'ok' };

// ---- Preconditions: say what is missing and how to get it, before an import fails obscurely.

for (const { dir } of PACKAGES) {
  if (!['reviewloop.js', 'reviewloop_bg.wasm'].every((file) => existsSync(new URL(`${dir}/${file}`, JS_DIR)))) {
    fail(`js/${dir} is not built (no reviewloop.js or reviewloop_bg.wasm): run \`make build\` first.`);
  }
}
if (!existsSync(DATA)) {
  fail(`the review data is missing: ${fileURLToPath(DATA)}\n` +
    '  The benchmark reads real reviews from ../shared/data beside the repository.');
}
// `sentiment` is a dev dependency of js/, not of this folder, so resolve it from there.
const requireFromJs = createRequire(new URL('package.json', JS_DIR));
let Sentiment, sentimentVersion;
try {
  Sentiment = requireFromJs('sentiment');
  sentimentVersion = requireFromJs('sentiment/package.json').version;
} catch {
  fail('the npm package `sentiment` is not installed in js/node_modules: run `make setup-node`.');
}

const { init, classify, classifyBatch } = await import(INDEX.href);
const glue = await import(GLUE.href);

// ---- The reviews.

const { reviews, rowCount } = readReviews(DATA);
// `sentiment` reads what classify reads: the title, then the text.
const sentimentTexts = reviews.map((review) => (review.title ? `${review.title}\n${review.text}` : review.text));
const batches = [];
for (let i = 0; i < reviews.length; i += BATCH) batches.push(reviews.slice(i, i + BATCH));

console.log(`reviewloop bench${QUICK ? ' --quick' : ''}: Node ${process.version}, ${os.platform()} ${os.arch()}, ` +
  `${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.availableParallelism()}, load average ${fmt(os.loadavg()[0], 1)}`);
console.log(`data: ${fmt(reviews.length)} reviews with text (of ${fmt(rowCount)} rows) ` +
  'in ../shared/data/womens_clothing/reviews_dev.csv; 1 KB = 1,024 bytes\n');

// ---- Size: what a browser downloads.

{
  const rows = PACKAGES.flatMap(({ dir, what, target }) => {
    const wasm = readFileSync(new URL(`${dir}/reviewloop_bg.wasm`, JS_DIR));
    const js = readFileSync(new URL(`${dir}/reviewloop.js`, JS_DIR));
    const wasmGzip = gzipSync(wasm, { level: 9 }).length;
    return [
      [`${what} wasm (js/${dir})`, kb(wasm.length), kb(wasmGzip), ...(target ? [`≤ ${fmt(target / KB)} KB`, verdict(wasmGzip <= target)] : [])],
      [`${what} JS glue (js/${dir})`, kb(js.length), kb(gzipSync(js, { level: 9 }).length)],
    ];
  });
  table('size (release builds, gzip level 9)', ['raw', 'gzipped', 'target'], rows);
}

// ---- Start-up: fresh processes, so nothing is compiled or cached in memory yet.

{
  // Import first: the figure is init() (read, compile and instantiate the wasm) plus one classification.
  const child = (entry) => `
    import { init, classify } from ${JSON.stringify(new URL(entry.file, JS_DIR).href)};
    const start = performance.now();
    const cpu = process.cpuUsage();
    await init();
    classify({ text: process.argv[1] });
    const ms = performance.now() - start;
    const { user, system } = process.cpuUsage(cpu);
    process.stdout.write(JSON.stringify([ms, (user + system) / 1000]));`;
  const times = ENTRIES.map(() => []);
  // CPU time of the whole process (every thread) over the same span: V8's
  // optimising compiler works on threads of its own, so this counts the work
  // the wall time only shows when the cores are busy with something else.
  const cpuTimes = ENTRIES.map(() => []);
  for (let i = 0; i < PLAN.startups; i++) {
    // Entries take turns, so a slow patch of the machine hits both.
    ENTRIES.forEach((entry, e) => {
      progress(`start-up: js/${entry.file}, process ${i + 1} of ${PLAN.startups}`);
      const args = [...(entry.flags ?? []), '--input-type=module', '-e', child(entry), reviews[i].text];
      const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
      let ms, cpuMs;
      try {
        [ms, cpuMs] = JSON.parse(result.stdout);
      } catch {
        ms = Number.NaN;
      }
      if (result.status !== 0 || !Number.isFinite(ms) || !Number.isFinite(cpuMs)) {
        fail(`a start-up child process failed (exit ${result.status}):\n${result.error?.message ?? (result.stderr || result.stdout)}`);
      }
      times[e].push(ms);
      cpuTimes[e].push(cpuMs);
    });
  }
  const medianOf = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  table(`start-up: init() to first classify result (${PLAN.startups} fresh processes each)`,
    ['median ms', 'max ms', 'CPU ms, all threads', 'target'],
    ENTRIES.map((entry, e) => {
      const median = medianOf(times[e]);
      return [`js/${entry.file}${entry.note ? `, ${entry.note}` : ''}`, fmt(median, 1), fmt(Math.max(...times[e]), 1),
        fmt(medianOf(cpuTimes[e]), 1),
        ...(entry.target ? [`median ≤ ${entry.target} ms`, verdict(median <= entry.target)] : [])];
    }));
}

// ---- Load in this process.

// The generated module is the one index.js imports (same URL, so the same ES module
// instance): initialising it here hands back the wasm exports, `memory` among them,
// and index.js's init() then finds the instance already loaded.
const { memory } = glue.initSync({ module: readFileSync(WASM) });
await init();
const collectGarbage = exposeGc();
const atLoad = { wasm: memory.buffer.byteLength, heap: heapAfterGc(collectGarbage) };

progress('checking that every review is classified');
// A review the core refuses would be cheap to "classify" and flatter the figures.
// In the benchmark's batches: one batch of all 16k would grow wasm memory as no later call does.
const refused = batches.flatMap((batch) => classifyBatch(batch)).filter((result) => 'error' in result);
if (refused.length > 0) fail(`${refused.length} reviews were refused, e.g. ${JSON.stringify(refused[0])}`);

// ---- Throughput: the same reviews through each, warmed up, best of several runs.

{
  const analyzer = new Sentiment();
  // Each run counts the results it got back: a check that every review was read, and a
  // use of every result, so that no call can be optimised away.
  const contenders = [
    {
      name: `sentiment (AFINN-165, npm ${sentimentVersion})`,
      run() {
        let n = 0;
        for (const text of sentimentTexts) if (typeof analyzer.analyze(text).score === 'number') n++;
        return n;
      },
    },
    {
      name: 'reviewloop classify',
      target: 1,
      run() {
        let n = 0;
        for (const review of reviews) if (classify(review).sentiment) n++;
        return n;
      },
    },
    {
      name: `reviewloop classifyBatch (${fmt(BATCH)} a call)`,
      target: 2,
      run() {
        let n = 0;
        for (const batch of batches) n += classifyBatch(batch).length;
        return n;
      },
    },
    {
      // The floor under `classify`: reading a review across the boundary and
      // building its result, with next to nothing to classify. What is left of
      // the `sentiment` package's time a review, after this, is the core's budget.
      name: 'reviewloop classify of "ok" (a call\'s fixed cost)',
      run() {
        let n = 0;
        for (let i = 0; i < reviews.length; i++) if (classify(TWO_LETTERS).sentiment) n++;
        return n;
      },
    },
  ];
  progress('throughput: warm-up');
  for (const contender of contenders) contender.run(); // warm-up: let V8 tier up both sides
  const best = contenders.map(() => Infinity);
  // Runs interleave the contenders so that a slow patch of the machine hits all of them.
  for (let run = 0; run < PLAN.runs; run++) {
    contenders.forEach((contender, i) => {
      progress(`throughput: run ${run + 1} of ${PLAN.runs}, ${contender.name}`);
      const start = performance.now();
      let read = 0;
      for (let pass = 0; pass < PLAN.passes; pass++) read += contender.run();
      const ms = performance.now() - start;
      if (read !== PLAN.passes * reviews.length) fail(`${contender.name} read ${read} reviews, not ${PLAN.passes * reviews.length}`);
      best[i] = Math.min(best[i], ms);
    });
  }
  const perSecond = best.map((ms) => (PLAN.passes * reviews.length) / (ms / 1000));
  table(`throughput (${fmt(reviews.length)} real reviews × ${plural(PLAN.passes, 'pass', 'passes')}, best of ${PLAN.runs})`,
    ['reviews/s', 'vs sentiment', 'target'],
    contenders.map((contender, i) => {
      const ratio = perSecond[i] / perSecond[0];
      return [contender.name, fmt(perSecond[i]), `${fmt(ratio, 2)}×`,
        ...(contender.target ? [`≥ ${contender.target}×`, verdict(ratio >= contender.target)] : [])];
    }));
}

// ---- Memory: a long run of batches must not grow the wasm heap (it never shrinks, so a leak shows).

{
  const warm = { wasm: memory.buffer.byteLength, heap: heapAfterGc(collectGarbage) };
  const start = performance.now();
  const batch = new Array(BATCH);
  let next = 0;
  for (let done = 0; done < PLAN.classifications; done += BATCH) {
    if (done % 100_000 === 0) progress(`memory: ${fmt(done)} of ${fmt(PLAN.classifications)} classifications`);
    for (let j = 0; j < BATCH; j++) batch[j] = reviews[next++ % reviews.length];
    classifyBatch(batch);
  }
  const seconds = (performance.now() - start) / 1000;
  const after = { wasm: memory.buffer.byteLength, heap: heapAfterGc(collectGarbage) };
  table(`memory, ${fmt(PLAN.classifications)} classifications in a row (${fmt(seconds, 1)} s)`,
    ['at load', 'warmed up', `after ${fmt(PLAN.classifications)}`, 'growth', 'target'], [
      ['wasm linear memory (bytes)', fmt(atLoad.wasm), fmt(warm.wasm), fmt(after.wasm),
        signed(after.wasm - warm.wasm), 'flat', verdict(after.wasm === warm.wasm)],
      ['JS heap used after full GC (bytes)', fmt(atLoad.heap), fmt(warm.heap), fmt(after.heap), signed(after.heap - warm.heap)],
    ]);
}

// ---- Long reviews: cost should grow with length, not faster. Last, since a 1 MB input grows wasm memory.

{
  const rows = [];
  let msPerKbAtSmallest;
  for (const size of [10 * KB, 100 * KB, 1024 * KB]) {
    const text = joinReviews(size);
    let best = Infinity;
    for (let run = 0; run < PLAN.longRuns; run++) {
      progress(`long reviews: ${kb(size)}, run ${run + 1} of ${PLAN.longRuns}`);
      const start = performance.now();
      classify({ text });
      best = Math.min(best, performance.now() - start);
    }
    const bytes = Buffer.byteLength(text);
    const msPerKb = best / (bytes / KB);
    msPerKbAtSmallest ??= msPerKb;
    rows.push([`one review of ${kb(bytes)}`, fmt(best, 1), fmt(msPerKb, 3), `${fmt(msPerKb / msPerKbAtSmallest, 2)}×`,
      ...(size === 1024 * KB ? ['< 1,000 ms', verdict(best < 1000)] : [])]);
  }
  table(`long reviews: real reviews joined into one (best of ${PLAN.longRuns})`,
    ['ms', 'ms per KB', 'per KB vs 10 KB', 'target'], rows);
}

console.log(`bench took ${fmt((performance.now() - benchStart) / 1000, 1)} s${QUICK ? ' (--quick)' : ''}`);

// ---- Helpers.

function fail(message) {
  progress('');
  console.error(`bench: ${message}`);
  process.exit(1);
}

/**
 * The rows of the Women's Clothing CSV that have review text, as `{ text, title? }`
 * (the Review Text and Title columns), and the number of rows.
 */
function readReviews(url) {
  const records = parseRecords(readFileSync(url, 'utf8'));
  const unreadable = records.find((record) => 'error' in record);
  if (unreadable) fail(`${fileURLToPath(url)} could not be read: ${unreadable.error}`);
  const result = [];
  for (const { review } of records) {
    // Only the words: the rating and the other columns would give the core work `sentiment` does not do.
    if (review.text?.trim()) result.push(review.title ? { text: review.text, title: review.title } : { text: review.text });
  }
  if (result.length === 0) fail(`no reviews with text in ${fileURLToPath(url)}`);
  return { reviews: result, rowCount: records.length };
}

/** One review of at least `bytes` bytes (UTF-8), made of real reviews joined by blank lines. */
function joinReviews(bytes) {
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i = (i + 1) % reviews.length) {
    parts.push(reviews[i].text);
    size += Buffer.byteLength(reviews[i].text) + 2;
  }
  return parts.join('\n\n');
}

/** The garbage collector, so heap figures are live data rather than garbage not yet collected. */
function exposeGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  // `make bench` runs plain `node`: turn the flag on now; a fresh context then sees `gc`.
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
}

function heapAfterGc(collect) {
  collect();
  return process.memoryUsage().heapUsed;
}

/** Shows what is running on a terminal's status line; not part of the output, so never in logs. */
function progress(message) {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${message}`);
}

/**
 * Prints a titled table: labels and the target column (with the PASS/MISS after it)
 * left-aligned, figures right-aligned.
 */
function table(title, headings, rows) {
  progress('');
  const count = Math.max(headings.length, ...rows.map((row) => row.length - 1));
  const head = Array.from({ length: count }, (_, c) => headings[c] ?? '');
  const cells = rows.map((row) => head.map((_, c) => row[c + 1] ?? ''));
  const leftFrom = head.includes('target') ? head.indexOf('target') : count;
  const labels = rows.map((row) => `  ${row[0]}`);
  const first = Math.max(title.length, ...labels.map((label) => label.length));
  const widths = head.map((heading, c) => Math.max(heading.length, ...cells.map((row) => row[c].length)));
  const line = (label, values) => [
    label.padEnd(first),
    ...values.map((value, c) => (c < leftFrom ? value.padStart(widths[c]) : value.padEnd(widths[c]))),
  ].join('   ').trimEnd();
  console.log(line(title, head));
  rows.forEach((_, r) => console.log(line(labels[r], cells[r])));
  console.log();
}

function fmt(number, digits = 0) {
  return number.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function plural(count, one, many) {
  return `${fmt(count)} ${count === 1 ? one : many}`;
}

function signed(number) {
  return number > 0 ? `+${fmt(number)}` : fmt(number);
}

function kb(bytes) {
  return `${fmt(bytes / KB, 1)} KB`;
}

function verdict(ok) {
  return ok ? 'PASS' : 'MISS';
}
