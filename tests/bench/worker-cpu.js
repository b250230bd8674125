// A bench-only Worker (never deployed): times, inside workerd, where a
// `/v1/classify` request's time goes, over the reviews it is sent, many times
// each: the JSON parse of the body, the wasm `classify` call (the
// serde-wasm-bindgen crossing both ways and the core), the JSON of the answer,
// and the whole route handler (js/worker.js's `fetch`, called in the isolate
// with a Request built here, so no HTTP and no miniflare in between), and the
// harness around it (building that Request, reading the answer back). One
// step per request: the bench reads workerd's CPU time around each.
// Local workerd advances its clock during execution (production freezes it),
// so performance.now() measures here what it cannot measure there.
import wasm from '../../js/pkg/reviewloop_bg.wasm';
import { classify, init } from '../../js/index.js';
import worker from '../../js/worker.js';

/** Median, over rounds, of the time per review of `step`, in ms. */
async function perReview(rounds, items, step) {
  for (const item of items) await step(item); // warm: rules compiled, code optimised
  const times = [];
  for (let round = 0; round < rounds; round += 1) {
    const start = performance.now();
    for (const item of items) await step(item);
    times.push((performance.now() - start) / items.length);
  }
  times.sort((a, b) => a - b);
  return { min: times[0], median: times[times.length >> 1], max: times[times.length - 1] };
}

/** Each step, given the reviews: what one round does per review. */
const STEPS = {
  parse: (reviews) => [reviews.map((r) => JSON.stringify(r)), (body) => JSON.parse(body)],
  classify: (reviews) => [reviews, (review) => classify(review)],
  // A two-letter review with the same fields: the crossing both ways and the
  // core's fixed cost, with almost no text to read (an upper bound on the crossing).
  classifyShort: (reviews) => [reviews.map((r) => ({ ...r, text: 'ok' })), (review) => classify(review)],
  stringify: (reviews) => [reviews.map((r) => classify(r)), (result) => JSON.stringify(result)],
  handler: (reviews, env, ctx) => [reviews.map((r) => JSON.stringify(r)), async (body) => {
    const response = await worker.fetch(new Request('http://bench/v1/classify', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
    }), env, ctx);
    if (response.status !== 200) throw new Error(`the handler answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  }],
  // What the handler step spends outside the handler: building the Request
  // here (the runtime does it in production) and reading the answer back.
  harness: (reviews) => [reviews.map((r) => JSON.stringify(r)), async (body) => {
    const request = new Request('http://bench/v1/classify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    await new Response(JSON.stringify({ body: await request.text() })).arrayBuffer();
  }],
  notFound: (reviews, env, ctx) => [reviews, async () => {
    const response = await worker.fetch(new Request('http://bench/v1/unknown', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}',
    }), env, ctx);
    await response.arrayBuffer();
  }],
};

/** One step per request, so the caller can read workerd's CPU time around each. */
export default {
  async fetch(request, env, ctx) {
    await init(wasm);
    const { step, reviews, rounds } = await request.json();
    if (!(step in STEPS)) return new Response(`no step ${step}; steps: ${Object.keys(STEPS).join(', ')}`, { status: 400 });
    const [items, run] = STEPS[step](reviews, env, ctx);
    return Response.json({ step, wall: await perReview(rounds, items, run), rounds, reviews: reviews.length });
  },
};
