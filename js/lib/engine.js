// What every entry of the package does with its wasm build, in one place:
// loading it once (Node, browsers, Workers), rebuilding the instance after a
// trap, refusing calls before it is loaded, and the classifier's calls.
// js/index.js binds it to js/pkg (the whole engine), js/classify.js to
// js/pkg-classify (the classifier alone, a smaller download).

/**
 * @param {object} core the wasm-bindgen module of one build (`import * as core`)
 * @param {(source?: object) => Promise<unknown>} initWasm that module's default export
 * @param {() => URL} wasmFile where its `.wasm` is; read only in Node (a
 *   function, so a Worker, which has no file URL, never builds it)
 */
export function bindEngine(core, initWasm, wasmFile) {
  let ready = null;
  /** Set once an instance exists (`ready` is set as soon as loading starts). */
  let instantiated = false;
  let rebuildCount = 0;

  async function load(source) {
    if (source instanceof WebAssembly.Module) {
      core.initSync({ module: source });
      return;
    }
    if (source === undefined && globalThis.process?.versions?.node) {
      // Node's fetch cannot read file: URLs, so read the bytes ourselves, and
      // compile them here: the generated loader's `instanceof Response` check
      // alone would load Node's fetch (about 20 ms of a cold start).
      const { readFile } = await import('node:fs/promises');
      const bytes = await readFile(wasmFile());
      core.initSync({ module: await WebAssembly.compile(bytes) });
      return;
    }
    await initWasm(source === undefined ? undefined : { module_or_path: source });
  }

  /** Throws the Error a caller sees when it did not await `init()` first. */
  function loaded() {
    if (!instantiated) {
      throw new Error('reviewloop is not loaded yet: call and await init() before classify().');
    }
  }

  return {
    loaded,

    /**
     * Loads the wasm core once; later calls return the same promise.
     * @param {WebAssembly.Module | BufferSource | URL | string | Response} [source]
     *   What to load: a compiled module (Workers pass their `CompiledWasm` import),
     *   the bytes, or a URL. Omitted: the build's `reviewloop_bg.wasm`.
     * @returns {Promise<void>}
     */
    init(source) {
      ready ??= load(source).then(() => {
        instantiated = true;
      }, (error) => {
        ready = null; // let a caller retry, e.g. after a failed fetch
        throw new Error(`reviewloop could not load its wasm core: ${error.message}`, { cause: error });
      });
      return ready;
    },

    /**
     * Replaces the wasm instance with a fresh one from the same compiled module:
     * after a trap (a `WebAssembly.RuntimeError`, e.g. a core bug reaching
     * `unreachable`) the old instance's memory may hold half-done state, so a
     * long-lived process (a Worker's isolate) should not serve from it again.
     * Objects made by the old instance (a `createReport()` in progress) cannot be
     * used after it. A no-op before `init()` has finished.
     * @returns {number} how many times the instance has been rebuilt in this process
     */
    rebuild() {
      if (!instantiated) return rebuildCount;
      core.__wbg_reset_state();
      rebuildCount += 1;
      return rebuildCount;
    },

    /** How many times `rebuild()` has replaced the wasm instance in this process. */
    rebuilds: () => rebuildCount,

    /**
     * Classifies one review.
     * @param {import('../index.d.ts').Review} review
     * @returns {import('../index.d.ts').Classification}
     * @throws {Error} when the review cannot be read (no text, rating out of range…)
     */
    classify(review) {
      loaded();
      return core.classify(review);
    },

    /**
     * Classifies many reviews at once: the same results as `classify` on each,
     * faster. A review that cannot be classified yields `{ id, error }` in its place.
     * @param {import('../index.d.ts').Review[]} reviews
     * @returns {Array<import('../index.d.ts').Classification | import('../index.d.ts').Refused>}
     */
    classifyBatch(reviews) {
      loaded();
      if (!Array.isArray(reviews)) {
        throw new Error('classifyBatch expects an array of reviews.');
      }
      return core.classifyBatch(reviews);
    },
  };
}
