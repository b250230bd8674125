// Classifying is the slow part of a report on reviews that arrive without a
// classification (about a millisecond a review, against tens of
// microseconds to count one), so it runs in worker threads, each with its
// own wasm instance, while the main thread reads the input and counts.
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

/**
 * The core compiled once for every thread: a compiled module sent to a
 * worker shares its machine code, so V8 compiles (and optimises the hot
 * functions of) the whole engine's 1.2 MB of wasm once, not once a thread.
 */
let compiled = null;
function compiledCore() {
  compiled ??= readFile(new URL('../pkg/reviewloop_bg.wasm', import.meta.url)).then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

/**
 * Worker threads that classify JSON Lines batches (`classifyReportLines` in
 * src/wasm/report.rs: the same lines back, unclassified records with their
 * classification added). Batches are handed to the least busy thread; the
 * caller keeps its own order by awaiting the promises in the order it made them.
 */
export class ClassifyPool {
  /**
   * @param {number} threads
   * @returns {Promise<ClassifyPool>}
   */
  static async start(threads) {
    const core = await compiledCore();
    const pool = new ClassifyPool();
    for (let i = 0; i < threads; i++) pool.#start(core);
    return pool;
  }

  constructor() {
    this.jobs = new Map();
    this.nextId = 0;
    this.workers = [];
  }

  #start(core) {
    const worker = new Worker(new URL('./classify-worker.js', import.meta.url), { workerData: { core } });
    const entry = { worker, busy: 0, alive: true };
    worker.on('message', (message) => {
      if (message.ready) return;
      const job = this.jobs.get(message.id);
      if (!job) return;
      this.jobs.delete(message.id);
      entry.busy -= 1;
      if (message.error === undefined) {
        job.resolve(message.bytes);
      } else {
        if (message.fatal) this.#retire(entry);
        job.reject(new Error(message.error));
      }
    });
    const fail = (error) => {
      this.#retire(entry);
      for (const [id, job] of this.jobs) {
        if (job.entry === entry) {
          this.jobs.delete(id);
          job.reject(error);
        }
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (entry.alive) fail(new Error(`a classifying thread stopped (exit code ${code})`));
    });
    this.workers.push(entry);
  }

  #retire(entry) {
    entry.alive = false;
    this.workers = this.workers.filter((w) => w !== entry);
    entry.worker.terminate().catch(() => {});
  }

  /** Threads still working. */
  get size() {
    return this.workers.length;
  }

  /**
   * Classifies a batch of whole JSON Lines.
   * @param {Uint8Array} bytes
   * @returns {Promise<Uint8Array>} rejected when no thread could do it (the caller classifies it itself)
   */
  classify(bytes) {
    const entry = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a), this.workers[0]);
    if (entry === undefined) return Promise.reject(new Error('no classifying thread is left'));
    const id = this.nextId++;
    entry.busy += 1;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject, entry });
      entry.worker.postMessage({ id, bytes });
    });
  }

  async close() {
    const workers = this.workers;
    this.workers = [];
    for (const w of workers) w.alive = false;
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
