// A bench-only Worker (never deployed): times, inside workerd, where a
// `/v1/classify` request's time goes, over the reviews it is sent, many times
// each: the JSON parse of the body, the wasm `classify` call (the
// serde-wasm-bindgen crossing both ways and the core), the JSON of the answer,
// and the whole route handler (js/worker.js's `fetch`, called in the isolate
// with a Request built here, so no HTTP and no miniflare in between), less
// the harness (building that Request, reading the answer back).
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

export default {
  async fetch(request, env, ctx) {
    await init(wasm);
    const { reviews, rounds } = await request.json();
    const bodies = reviews.map((r) => JSON.stringify(r));
    const results = reviews.map((r) => classify(r));
    const steps = {
      parse: await perReview(rounds, bodies, (body) => JSON.parse(body)),
      classify: await perReview(rounds, reviews, (review) => classify(review)),
      stringify: await perReview(rounds, results, (result) => JSON.stringify(result)),
      handler: await perReview(rounds, bodies, async (body) => {
        const response = await worker.fetch(new Request('http://bench/v1/classify', {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body,
        }), env, ctx);
        if (response.status !== 200) throw new Error(`the handler answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
      }),
      // What the handler column spends outside the handler: building the Request
      // here (the runtime does it in production) and reading the answer back.
      harness: await perReview(rounds, bodies, async (body) => {
        const request = new Request('http://bench/v1/classify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        await new Response(JSON.stringify({ body: await request.text() })).arrayBuffer();
      }),
      notFound: await perReview(rounds, bodies, async () => {
        const response = await worker.fetch(new Request('http://bench/v1/unknown', {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}',
        }), env, ctx);
        await response.arrayBuffer();
      }),
    };
    return Response.json({ steps, rounds, reviews: reviews.length });
  },
};
