// A worker thread of js/lib/classify-pool.js: its own wasm instance, which
// classifies the records of JSON Lines batches that carry no classification.
import { parentPort, workerData } from 'node:worker_threads';

import { init } from '../index.js';
import { classifyReportLines } from '../pkg/reviewloop.js';

await init(workerData.core); // compiled once by the pool
parentPort.on('message', ({ id, bytes }) => {
  try {
    const out = classifyReportLines(bytes);
    parentPort.postMessage({ id, bytes: out }, [out.buffer]);
  } catch (error) {
    // A trap leaves this wasm instance unusable: say so, and let the pool stop using it.
    parentPort.postMessage({ id, error: error.message, fatal: error instanceof WebAssembly.RuntimeError });
  }
});
parentPort.postMessage({ ready: true });
