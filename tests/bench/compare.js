// Before and after, from one machine state: this checkout's js/ against another
// build's js/ (a checkout of an older commit after `make build`), run side by side
// in one Node process, interleaved, with the npm `sentiment` package as the yardstick.
// The machine is shared, so only figures taken together compare.
//
//   node tests/bench/compare.js OTHER_CHECKOUT [--runs N]
//
// Reads real reviews from ../shared/data at run time; never copy them into the repo.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseRecords } from '../../js/lib/records.js';

const args = process.argv.slice(2);
const other = args[0];
const runsAt = args.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(args[runsAt + 1]) : 3;
if (!other || !Number.isInteger(RUNS) || RUNS < 1) {
  console.error('usage: node tests/bench/compare.js OTHER_CHECKOUT [--runs N]');
  process.exit(2);
}
const builds = [
  { name: 'before', js: path.resolve(other, 'js') },
  { name: 'after', js: path.resolve(new URL('../../js', import.meta.url).pathname) },
];
for (const build of builds) {
  if (!existsSync(path.join(build.js, 'pkg/reviewloop_bg.wasm'))) {
    console.error(`${build.js}/pkg is not built: run \`make build\` there first.`);
    process.exit(1);
  }
}

const DATA = new URL('../../../shared/data/womens_clothing/reviews_dev.csv', import.meta.url);
const reviews = parseRecords(readFileSync(DATA, 'utf8'))
  .filter((record) => record.review?.text?.trim())
  .map(({ review }) => (review.title ? { text: review.text, title: review.title } : { text: review.text }));
const texts = reviews.map((review) => (review.title ? `${review.title}\n${review.text}` : review.text));
const Sentiment = createRequire(path.join(builds[1].js, 'package.json'))('sentiment');
const analyzer = new Sentiment();

for (const build of builds) {
  build.api = await import(pathToFileURL(path.join(build.js, 'index.js')).href);
  await build.api.init();
  const wasm = readFileSync(path.join(build.js, 'pkg/reviewloop_bg.wasm'));
  build.raw = wasm.length;
  build.gzip = gzipSync(wasm, { level: 9 }).length;
}
// Both builds must say the same about every review (unless a change meant otherwise).
const differ = reviews.filter((review) =>
  JSON.stringify(builds[0].api.classify(review)) !== JSON.stringify(builds[1].api.classify(review))).length;

const batches = [];
for (let i = 0; i < reviews.length; i += 1000) batches.push(reviews.slice(i, i + 1000));
const contenders = [
  { name: 'sentiment', run: () => texts.forEach((text) => analyzer.analyze(text)) },
  ...builds.flatMap((build) => [
    { name: `${build.name} classify`, run: () => reviews.forEach((review) => build.api.classify(review)) },
    { name: `${build.name} classifyBatch`, run: () => batches.forEach((batch) => build.api.classifyBatch(batch)) },
  ]),
];
const best = contenders.map(() => Infinity);
for (let run = 0; run <= RUNS; run++) {
  contenders.forEach((contender, i) => {
    const start = performance.now();
    contender.run();
    if (run > 0) best[i] = Math.min(best[i], performance.now() - start); // run 0 warms up
  });
}

// Start-up: fresh processes, the two builds alternating.
const startup = builds.map(() => []);
for (let i = 0; i < 7; i++) {
  builds.forEach((build, b) => {
    const child = `
      import { init, classify } from ${JSON.stringify(pathToFileURL(path.join(build.js, 'index.js')).href)};
      const start = performance.now();
      await init();
      classify({ text: process.argv[1] });
      process.stdout.write(String(performance.now() - start));`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', child, reviews[i].text], { encoding: 'utf8' });
    startup[b].push(Number.parseFloat(out.stdout));
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// One review of 1 MB, each build once, alternating.
const long = [];
for (let size = 0, i = 0; size < 1 << 20; i++) {
  long.push(reviews[i % reviews.length].text);
  size += Buffer.byteLength(reviews[i % reviews.length].text) + 2;
}
const longText = long.join('\n\n');
const longMs = builds.map((build) => {
  const start = performance.now();
  build.api.classify({ text: longText });
  return performance.now() - start;
});

const rate = (i) => reviews.length / (best[i] / 1000);
console.log(`${reviews.length} reviews, best of ${RUNS}; reviews that classify differently: ${differ}`);
console.log(`sentiment: ${Math.round(rate(0))} reviews/s`);
builds.forEach((build, b) => {
  const [one, batch] = [1 + 2 * b, 2 + 2 * b];
  console.log(`${build.name}: classify ${Math.round(rate(one))}/s (${(rate(one) / rate(0)).toFixed(3)}×), ` +
    `classifyBatch ${Math.round(rate(batch))}/s (${(rate(batch) / rate(0)).toFixed(3)}×), ` +
    `start-up median ${median(startup[b]).toFixed(1)} ms (max ${Math.max(...startup[b]).toFixed(1)}), ` +
    `1 MB review ${longMs[b].toFixed(0)} ms, wasm ${(build.raw / 1024).toFixed(1)} KB raw / ${(build.gzip / 1024).toFixed(1)} KB gzipped`);
});
