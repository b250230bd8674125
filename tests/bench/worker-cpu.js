// A bench-only Worker (never deployed): times the wasm `classify` call inside
// workerd, over the reviews it is sent, many times each, so the per-review CPU
// time is read from inside the runtime rather than guessed from latency.
// Local workerd advances its clock during execution (production freezes it),
// so performance.now() measures here what it cannot measure there.
import wasm from '../../js/pkg/reviewloop_bg.wasm';
import { classify, init } from '../../js/index.js';

export default {
  async fetch(request) {
    await init(wasm);
    const { reviews, rounds } = await request.json();
    for (const review of reviews) classify(review); // compile the rules these reviews need first
    const times = [];
    for (let round = 0; round < rounds; round += 1) {
      const start = performance.now();
      for (const review of reviews) classify(review);
      times.push((performance.now() - start) / reviews.length);
    }
    times.sort((a, b) => a - b);
    return Response.json({ perReviewMs: { min: times[0], median: times[times.length >> 1], max: times[times.length - 1] }, rounds, reviews: reviews.length });
  },
};
