import type { Draft, LintResult, ReplyOptions, Review } from './index.js';

/** Options of `attachReplyAssistant`: the review, the reply settings `draftReply` takes, and how the assistant behaves. */
export interface ReplyAssistantOptions extends ReplyOptions {
  /** The review being answered: drafted from, and checked against ("ignores the issue", liability on a safety review, names). */
  review: Review;
  /**
   * When to put a draft in the textarea on attach: `'empty'` (default) only if
   * it holds nothing but whitespace, so a merchant's own text is never replaced;
   * `'always'`; `'never'` (only check what is there).
   */
  fill?: 'empty' | 'always' | 'never';
  /** Milliseconds of quiet typing before the text is checked; default 300. */
  debounce?: number;
  /** Where to put the assistant's panel (wording button, summary, issue list); default: right after the textarea. */
  panel?: Element;
  /** Adopt the assistant's stylesheet into the textarea's document or shadow root; default true. `false`: style the `rl-reply` classes yourself. */
  styles?: boolean;
  /** Called after every check with its result, e.g. to disable a "Post reply" button while `ok` is false. */
  onLint?: (result: LintResult) => void;
  /** Called whenever the assistant puts a draft in the textarea. */
  onDraft?: (draft: Draft) => void;
}

/** The handle of an attached assistant. */
export interface ReplyAssistant {
  /** Puts the current wording's draft in the textarea (replacing its text) and returns it. */
  draft(): Draft;
  /** Puts the next wording in the textarea (wrapping after the last) and returns it. */
  nextVariant(): Draft;
  /** Checks the textarea's text now (skipping the debounce), shows and returns the result. */
  lint(): LintResult;
  /**
   * Removes everything the assistant added (elements, listeners, timers,
   * observers, its stylesheet when no other assistant uses it) and restores
   * the textarea's `aria-describedby`; the textarea keeps its text. Calling it
   * again does nothing; the other methods throw after it.
   */
  detach(): void;
}

/**
 * Attaches the reply assistant to a merchant's own `<textarea>`: fills it with
 * a draft reply to `options.review`, offers other wordings, checks the reply as
 * the merchant types and shows each issue at its place in the text, with its
 * message, source and fix. Needs `await init()` first.
 * @throws {Error} when the textarea or an option cannot be used (nothing is added then).
 */
export function attachReplyAssistant(textarea: HTMLTextAreaElement, options: ReplyAssistantOptions): ReplyAssistant;
