// reviewloop's JavaScript API: a thin layer over the wasm core that works
// unchanged in Node 20+, browsers and Workers.
import initWasm, * as core from './pkg/reviewloop.js';
import { bindEngine } from './lib/engine.js';

// Loading, rebuild() and the classifier's calls are js/lib/engine.js's, shared
// with js/classify.js (the classifier alone, on its own smaller build).
const engine = bindEngine(core, initWasm, () => new URL('./pkg/reviewloop_bg.wasm', import.meta.url));
const { loaded } = engine;

export const { init, rebuild, rebuilds, classify, classifyBatch } = engine;

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
