// The edge worker under load, in local workerd (miniflare), on loopback:
// requests per second and p50/p99 latency for /v1/classify and /v1/feedback
// (autocannon, bounded in time), and the CPU time per request, two ways:
//   - workerd's own CPU (user + system, /proc) over the run, divided by the
//     requests served: everything a request costs (HTTP, JSON, routing,
//     Durable Object storage for feedback), an upper bound on billed CPU;
//   - the wasm `classify` call timed inside workerd over the same reviews,
//     many rounds (tests/bench/worker-cpu.js): the core's share.
// Durable Object storage sits on tmpfs (/dev/shm) when there is one, as the
// tests' does: on disk, miniflare's fsyncs would set the feedback route's pace.
//
//   node tests/bench/worker.js [--seconds N] [--connections N]   (make bench-worker; 10 s a route by default)
//
// Reads real reviews from ../shared/data at run time; never copy them into the repo.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { parseRecords } from '../../js/lib/records.js';
import { REVIEW_URL, ROOT, startWorker } from '../worker/helpers.mjs';

const require = createRequire(new URL('../../js/package.json', import.meta.url));
const autocannon = require('autocannon');
const { Miniflare } = require('miniflare');

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} takes a positive whole number; usage: node tests/bench/worker.js [--seconds N] [--connections N]`);
    process.exit(2);
  }
  return value;
};
const SECONDS = option('seconds', 10);
const CONNECTIONS = option('connections', 10);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

// Typical reviews: women's clothing reviews with text, in file order.
const reviews = parseRecords(readFileSync(new URL('../../../shared/data/womens_clothing/reviews_dev.csv', import.meta.url), 'utf8'))
  .filter((r) => r.review && r.review.text.trim() !== '')
  .slice(0, 500)
  .map((r) => r.review);
const lengths = reviews.map((r) => r.text.length).sort((a, b) => a - b);

/** The workerd processes below this one, read from /proc (miniflare starts one). */
function workerdPids() {
  const found = [];
  const walk = (pid) => {
    for (const task of safeList(`/proc/${pid}/task`)) {
      for (const child of safeRead(`/proc/${pid}/task/${task}/children`).split(' ').filter(Boolean)) {
        if (safeRead(`/proc/${child}/comm`).trim().startsWith('workerd')) found.push(Number(child));
        walk(child);
      }
    }
  };
  walk(process.pid);
  return found;
}
function safeRead(path) {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}
function safeList(path) {
  try { return require('node:fs').readdirSync(path); } catch { return []; }
}
/** User + system CPU seconds of a process so far. */
function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const fields = safeRead(`/proc/${pid}/stat`).split(') ')[1]?.split(' ') ?? [];
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime (fields 14 and 15)
  }
  return ticks / TICKS_PER_SECOND;
}

/** A support receiver that takes every ticket at once, so deliveries do not pile up. */
async function startReceiver() {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => { count += 1; res.writeHead(200).end(); });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/tickets`, count: () => count, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

function run(url, name, requests) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests }, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('error', reject);
  });
}

async function measure(worker, pids, name, path, bodyOf) {
  let i = 0;
  const requests = [{
    method: 'POST',
    path,
    setupRequest(request) {
      const { body, headers } = bodyOf(i);
      i += 1;
      return { ...request, body, headers: { 'content-type': 'application/json', ...headers } };
    },
  }];
  const before = cpuSeconds(pids);
  const result = await run(worker.url.href, name, requests);
  const cpu = cpuSeconds(pids) - before;
  const served = result.requests.total;
  return {
    route: name,
    requests: served,
    non2xx: result.non2xx - (path === '/v1/unknown' ? result['4xx'] : 0),
    errors: result.errors + result.timeouts,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: (cpu * 1000) / served,
  };
}

const receiver = await startReceiver();
const worker = await startWorker({ SUPPORT_WEBHOOK_URL: receiver.url, DELIVERY_RETRY_BASE_MS: '1000', DELIVERY_RETRY_MAX_MS: '10000' });
const pids = workerdPids();
if (pids.length === 0) console.warn('no workerd process found under this one: CPU per request cannot be read');

// Warm-up: every route once per review shape, rules compiled, Durable Objects created.
for (const review of reviews.slice(0, 100)) {
  await worker.fetch('/v1/classify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(review) });
}

// The floor: what any request costs in this workerd (miniflare's entry worker, HTTP, routing, a JSON error).
const baselineFigures = await measure(worker, pids, 'POST /v1/unknown (404, the floor)', '/v1/unknown', () => ({ body: '{}', headers: {} }));
const classifyFigures = await measure(worker, pids, 'POST /v1/classify', '/v1/classify', (i) => ({ body: JSON.stringify(reviews[i % reviews.length]), headers: {} }));
const runId = Date.now().toString(36);
const feedbackFigures = await measure(worker, pids, 'POST /v1/feedback', '/v1/feedback', (i) => {
  const review = reviews[i % reviews.length];
  const key = `bench-${runId}-${i}`;
  // Answers as the widget sends them: the review's stars as satisfaction, its text as the comment.
  const answers = { orderId: `B-${i}`, arrivedAsExpected: (review.rating ?? 5) > 2, satisfaction: Math.round(review.rating ?? 5), comment: review.text };
  return { body: JSON.stringify({ idempotencyKey: key, answers }), headers: { 'idempotency-key': key } };
});
await new Promise((r) => setTimeout(r, 2000)); // let the tickets of the run go out
const ticketsDelivered = receiver.count();
await worker.dispose();
await receiver.close();

// The core's share, timed inside workerd.
const cpuWorker = new Miniflare({
  modules: true,
  scriptPath: `${ROOT}tests/bench/worker-cpu.js`,
  modulesRoot: ROOT,
  modulesRules: [{ type: 'ESModule', include: ['**/*.js'] }, { type: 'CompiledWasm', include: ['**/*.wasm'] }],
  compatibilityDate: '2026-04-20',
  compatibilityFlags: ['nodejs_compat'],
});
await cpuWorker.ready;
const cpuPids = workerdPids().filter((pid) => !pids.includes(pid));
const cpuBefore = cpuSeconds(cpuPids);
const inside = await (await cpuWorker.dispatchFetch('http://bench/', { method: 'POST', body: JSON.stringify({ reviews, rounds: 20 }) })).json();
// CPU seconds are immune to other processes taking turns on the cores; the wall clock inside is not.
const insideCpuMs = ((cpuSeconds(cpuPids) - cpuBefore) * 1000) / (inside.reviews * (inside.rounds + 1));
await cpuWorker.dispose();

const f = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
console.log(`reviewloop Worker in local workerd (miniflare), loopback, ${CONNECTIONS} connections, ${SECONDS} s a route, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine inflates latency)`);
console.log(`reviews: ${reviews.length} from womens_clothing/reviews_dev.csv, median ${lengths[lengths.length >> 1]} characters (p90 ${lengths[Math.floor(lengths.length * 0.9)]})`);
console.log('');
console.log('| route | requests | req/s | p50 | p99 | non-2xx | errors | workerd CPU per request |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of [baselineFigures, classifyFigures, feedbackFigures]) {
  console.log(`| ${r.route} | ${f(r.requests)} | ${f(r.rps)} | ${r.p50} ms | ${r.p99} ms | ${r.non2xx} | ${r.errors} | ${f(r.cpuMsPerRequest, 2)} ms |`);
}
console.log('');
console.log(`tickets delivered to the local support receiver during and 2 s after the feedback run: ${f(ticketsDelivered)}`);
console.log(`wasm classify inside workerd (${inside.reviews} reviews x ${inside.rounds} rounds): wall clock ${inside.perReviewMs.median.toFixed(3)} ms per review median of rounds (min ${inside.perReviewMs.min.toFixed(3)}, max ${inside.perReviewMs.max.toFixed(3)}); workerd CPU ${insideCpuMs.toFixed(3)} ms per review; target < 1 ms`);
