// reviewloop's JavaScript API: a thin layer over the wasm core that works
// unchanged in Node 20+, browsers and Workers.
import initWasm, * as core from './pkg/reviewloop.js';

let ready = null;
/** Set once an instance exists (`ready` is set as soon as loading starts). */
let instantiated = false;

/**
 * Loads the wasm core once; later calls return the same promise.
 * @param {WebAssembly.Module | BufferSource | URL | string | Response} [source]
 *   What to load: a compiled module (Workers pass their `CompiledWasm` import),
 *   the bytes, or a URL. Omitted: the `reviewloop_bg.wasm` beside this file.
 * @returns {Promise<void>}
 */
export function init(source) {
  ready ??= load(source).then(() => {
    instantiated = true;
  }, (error) => {
    ready = null; // let a caller retry, e.g. after a failed fetch
    throw new Error(`reviewloop could not load its wasm core: ${error.message}`, { cause: error });
  });
  return ready;
}

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
    const bytes = await readFile(new URL('./pkg/reviewloop_bg.wasm', import.meta.url));
    core.initSync({ module: await WebAssembly.compile(bytes) });
    return;
  }
  await initWasm(source === undefined ? undefined : { module_or_path: source });
}

let rebuildCount = 0;

/**
 * Replaces the wasm instance with a fresh one from the same compiled module:
 * after a trap (a `WebAssembly.RuntimeError`, e.g. a core bug reaching
 * `unreachable`) the old instance's memory may hold half-done state, so a
 * long-lived process (a Worker's isolate) should not serve from it again.
 * Objects made by the old instance (a `createReport()` in progress) cannot be
 * used after it. A no-op before `init()` has finished.
 * @returns {number} how many times the instance has been rebuilt in this process
 */
export function rebuild() {
  if (!instantiated) return rebuildCount;
  core.__wbg_reset_state();
  rebuildCount += 1;
  return rebuildCount;
}

/** How many times `rebuild()` has replaced the wasm instance in this process. */
export const rebuilds = () => rebuildCount;

function loaded() {
  if (!instantiated) {
    throw new Error('reviewloop is not loaded yet: call and await init() before classify().');
  }
}

/**
 * Classifies one review.
 * @param {import('./index.d.ts').Review} review
 * @returns {import('./index.d.ts').Classification}
 * @throws {Error} when the review cannot be read (no text, rating out of range…)
 */
export function classify(review) {
  loaded();
  return core.classify(review);
}

/**
 * Classifies many reviews at once: the same results as `classify` on each,
 * faster. A review that cannot be classified yields `{ id, error }` in its place.
 * @param {import('./index.d.ts').Review[]} reviews
 * @returns {Array<import('./index.d.ts').Classification | import('./index.d.ts').Refused>}
 */
export function classifyBatch(reviews) {
  loaded();
  if (!Array.isArray(reviews)) {
    throw new Error('classifyBatch expects an array of reviews.');
  }
  return core.classifyBatch(reviews);
}

/**
 * Decides on one customer's post-delivery answers: whether they are unhappy
 * (and why), the support ticket when they are, and the review invitation,
 * which is the same for every customer. Options that would hide or delay the
 * review link for unhappy customers are refused (review gating).
 * @param {import('./index.d.ts').FeedbackAnswers} answers
 * @param {import('./index.d.ts').FeedbackOptions} options
 * @returns {import('./index.d.ts').FeedbackAssessment}
 * @throws {Error} when the answers or the options cannot be used; the message says what to fix
 */
export function assessFeedback(answers, options) {
  loaded();
  return core.assessFeedback(answers, options);
}

/**
 * Drafts a compliant public reply to a review, written from its
 * classification, with the reply's own lint result (never an error in it).
 * The same review and options always give the same reply; `variant` cycles
 * through other wordings.
 * @param {import('./index.d.ts').Review} review
 * @param {import('./index.d.ts').ReplyOptions} [options]
 * @returns {import('./index.d.ts').Draft}
 * @throws {Error} when the review or an option cannot be used
 */
export function draftReply(review, options) {
  loaded();
  return core.draftReply(review, options);
}

/**
 * Checks a reply (the merchant's own included) against the compliance rules:
 * review-change requests, incentives, personal data, threats, blame,
 * boilerplate, marketing, liability on safety reviews, platform limits, and,
 * when `options.review` is given, whether it names the review's issue.
 * @param {string} text the reply
 * @param {import('./index.d.ts').LintOptions} [options]
 * @returns {import('./index.d.ts').LintResult}
 * @throws {Error} when the text is not a string or an option cannot be used
 */
export function lintReply(text, options) {
  loaded();
  return core.lintReply(text, options);
}

/**
 * A report over reviews and widget answers: volumes, root causes by product,
 * SKU, carrier, region…, recurring issues, spikes, what to fix first, the
 * urgent list and the recovery figures. Records may carry a `classification`
 * (from `classify`); the others are classified on the way in.
 * @param {import('./index.d.ts').ReportRecord[]} records
 * @param {import('./index.d.ts').ReportOptions} [options]
 * @returns {import('./index.d.ts').Summary} with `notCounted`: the records
 *   that could not be read, `{ index, id, error }`
 * @throws {Error} when `records` is not an array or an option is out of range
 */
export function summarize(records, options) {
  if (!Array.isArray(records)) {
    throw new Error('summarize expects an array of reviews.');
  }
  const report = createReport(options);
  try {
    const notCounted = report.add(records);
    return { ...report.summary(), notCounted };
  } finally {
    report.close();
  }
}

/** A record's id as text, when it has one. */
function idOf(record) {
  const id = record?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

/**
 * The same report, fed in batches: for streams and files of any size (memory
 * follows the distinct products, SKUs… and days, not the reviews).
 * @param {import('./index.d.ts').ReportOptions} [options]
 * @returns {import('./index.d.ts').Report}
 * @throws {Error} when an option is out of range
 */
export function createReport(options) {
  loaded();
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new Error('The report options must be an object like { windowDays: 14 }.');
  }
  // An option left undefined takes its default.
  const given = Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
  const report = new core.ReviewReport(given);
  let open = true;
  const live = () => {
    if (!open) throw new Error('This report is closed: create another with createReport().');
  };
  const encoder = new TextEncoder();
  return {
    add(records) {
      live();
      if (!Array.isArray(records)) throw new Error('Report.add expects an array of reviews.');
      // One JSON line a record, parsed in the core (see ReviewReport in src/wasm/report.rs).
      const unwritable = [];
      const lines = records.map((record, index) => {
        try {
          const line = JSON.stringify(record ?? null);
          if (line !== undefined) return line;
        } catch {
          // BigInt or a cycle: said below.
        }
        unwritable.push({ index, id: null, error: `Review ${index + 1}: not a plain object of text, numbers and dates.` });
        return 'null';
      });
      const refused = report
        .addJsonLines(encoder.encode(lines.join('\n')), 1, false)
        .filter((e) => !unwritable.some((u) => u.index === e.line - 1))
        .map((e) => ({ index: e.line - 1, id: e.id ?? idOf(records[e.line - 1]), error: `Review ${e.line}: ${e.error}` }));
      return [...unwritable, ...refused].sort((a, b) => a.index - b.index);
    },
    addJsonLines(bytes, firstLine = 1, cut = false) {
      live();
      if (!(bytes instanceof Uint8Array)) throw new Error('Report.addJsonLines expects the bytes of JSON Lines text (a Uint8Array).');
      return report.addJsonLines(bytes, firstLine, cut).map((e) => ({ ...e, error: `Line ${e.line}: ${e.error}` }));
    },
    skip(reason, example) {
      live();
      report.skip(reason, String(example));
    },
    summary() {
      live();
      return report.summary();
    },
    close() {
      if (open) report.free();
      open = false;
    },
  };
}
