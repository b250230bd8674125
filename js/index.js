// reviewloop's JavaScript API: a thin layer over the wasm core that works
// unchanged in Node 20+, browsers and Workers.
import initWasm, * as core from './pkg/reviewloop.js';

let ready = null;

/**
 * Loads the wasm core once; later calls return the same promise.
 * @param {WebAssembly.Module | BufferSource | URL | string | Response} [source]
 *   What to load: a compiled module (Workers pass their `CompiledWasm` import),
 *   the bytes, or a URL. Omitted: the `reviewloop_bg.wasm` beside this file.
 * @returns {Promise<void>}
 */
export function init(source) {
  ready ??= load(source).catch((error) => {
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
    // Node's fetch cannot read file: URLs, so read the bytes ourselves.
    const { readFile } = await import('node:fs/promises');
    source = await readFile(new URL('./pkg/reviewloop_bg.wasm', import.meta.url));
  }
  await initWasm(source === undefined ? undefined : { module_or_path: source });
}

function loaded() {
  if (ready === null) {
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
