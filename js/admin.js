// The reply assistant, in place in a merchant's own admin: it drafts into their
// <textarea>, checks the reply as they type and shows each issue where it is.
// Customer and merchant text only ever enter the page through textContent.
import { draftReply, lintReply } from './index.js';

const DEFAULT_DEBOUNCE_MS = 300;
const FILL_MODES = ['empty', 'always', 'never'];
const SEVERITY_ORDER = ['error', 'warning', 'suggestion'];
const SEVERITY_NAMES = { error: 'Error', warning: 'Warning', suggestion: 'Suggestion' };
const SEVERITY_PLURALS = { error: 'errors', warning: 'warnings', suggestion: 'suggestions' };
const QUOTE_MAX = 80;

// What decides where each character of a textarea lands; the mirror copies it
// so its marks sit exactly under the words they flag.
const MIRRORED_PROPERTIES = [
  'box-sizing', 'font-family', 'font-size', 'font-style', 'font-variant', 'font-weight', 'font-stretch',
  'font-kerning', 'font-feature-settings', 'font-variation-settings', 'letter-spacing', 'word-spacing',
  'line-height', 'text-transform', 'text-indent', 'text-align', 'text-rendering', 'tab-size',
  'white-space', 'word-break', 'overflow-wrap', 'hyphens', 'direction', 'unicode-bidi', 'writing-mode',
  'padding-top', 'padding-bottom', 'padding-left', 'border-top-width', 'border-right-width',
  'border-bottom-width', 'border-left-width', 'border-top-left-radius', 'border-top-right-radius',
  'border-bottom-left-radius', 'border-bottom-right-radius',
];

// Every rule is inside a layer, so any unlayered rule of the host wins over it
// whatever its specificity; colours and spacing come from custom properties.
const STYLES = `
@layer rl-reply {
  .rl-reply, .rl-reply-mirror {
    --rl-reply-error: #b42318;
    --rl-reply-warning: #9a4d00;
    --rl-reply-suggestion: #2f5a86;
    --rl-reply-mark-opacity: 18%;
  }
  .rl-reply-mirror {
    position: absolute;
    margin: 0;
    overflow: hidden;
    pointer-events: none;
    background: transparent;
    color: transparent;
    border-style: solid;
    border-color: transparent;
  }
  .rl-reply-mark {
    color: transparent;
    background: color-mix(in srgb, var(--rl-reply-mark-color) var(--rl-reply-mark-opacity), transparent);
    text-decoration: underline wavy var(--rl-reply-mark-color);
    text-decoration-skip-ink: none;
    text-underline-offset: 0.2em;
    border-radius: 2px;
  }
  .rl-reply-mark[data-severity="error"] { --rl-reply-mark-color: var(--rl-reply-error); }
  .rl-reply-mark[data-severity="warning"] { --rl-reply-mark-color: var(--rl-reply-warning); }
  .rl-reply-mark[data-severity="suggestion"] {
    --rl-reply-mark-color: var(--rl-reply-suggestion);
    text-decoration-style: dotted;
  }
  .rl-reply-mark.is-current { --rl-reply-mark-opacity: 34%; }
  .rl-reply {
    font: var(--rl-reply-font, inherit);
    color: var(--rl-reply-text, inherit);
    margin-block: var(--rl-reply-gap, 0.5rem) 0;
    display: grid;
    gap: var(--rl-reply-gap, 0.5rem);
  }
  .rl-reply__bar { display: flex; flex-wrap: wrap; align-items: center; gap: var(--rl-reply-gap, 0.5rem); }
  .rl-reply__wording { color: var(--rl-reply-muted, #545d66); font-size: 0.875em; }
  .rl-reply__summary, .rl-reply__note { margin: 0; }
  .rl-reply__summary[data-state="error"] { color: var(--rl-reply-error); font-weight: 600; }
  .rl-reply__note {
    padding: 0.5em 0.75em;
    border-inline-start: 3px solid var(--rl-reply-warning);
    background: var(--rl-reply-surface, transparent);
  }
  .rl-reply__issues { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--rl-reply-gap, 0.5rem); }
  .rl-reply__issue {
    padding: 0.6em 0.75em;
    border: 1px solid var(--rl-reply-border, #d0d5dd);
    border-inline-start: 4px solid var(--rl-reply-issue-color);
    border-radius: var(--rl-reply-radius, 6px);
    background: var(--rl-reply-surface, transparent);
  }
  .rl-reply__issue[data-severity="error"] { --rl-reply-issue-color: var(--rl-reply-error); }
  .rl-reply__issue[data-severity="warning"] { --rl-reply-issue-color: var(--rl-reply-warning); }
  .rl-reply__issue[data-severity="suggestion"] { --rl-reply-issue-color: var(--rl-reply-suggestion); }
  .rl-reply__issue.is-current { box-shadow: 0 0 0 2px var(--rl-reply-issue-color); }
  .rl-reply__head { margin: 0; display: flex; flex-wrap: wrap; gap: 0.25em 0.6em; align-items: baseline; }
  .rl-reply__severity { color: var(--rl-reply-issue-color); font-weight: 700; font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.04em; }
  .rl-reply__quote { font-style: italic; overflow-wrap: anywhere; }
  .rl-reply__message { margin: 0.25em 0 0; }
  .rl-reply__source, .rl-reply__suggestion { margin: 0.25em 0 0; font-size: 0.875em; color: var(--rl-reply-muted, #545d66); overflow-wrap: anywhere; }
  .rl-reply__actions { display: flex; flex-wrap: wrap; gap: 0.5em; margin-top: 0.5em; }
  .rl-reply__button {
    font: inherit;
    font-size: 0.875em;
    padding: 0.3em 0.8em;
    border: 1px solid var(--rl-reply-border, #98a2b3);
    border-radius: var(--rl-reply-radius, 6px);
    background: var(--rl-reply-button, #ffffff);
    color: var(--rl-reply-button-text, #1c2126);
    cursor: pointer;
  }
  .rl-reply__button:hover { background: var(--rl-reply-button-hover, #f2f4f7); }
  .rl-reply__button:focus-visible { outline: 3px solid var(--rl-reply-focus, #2f6fdb); outline-offset: 2px; }
  .rl-reply__button--fix {
    background: var(--rl-reply-accent, #1f5f5b);
    border-color: var(--rl-reply-accent, #1f5f5b);
    color: var(--rl-reply-accent-text, #ffffff);
  }
  .rl-reply__button--fix:hover { background: var(--rl-reply-accent-hover, #174744); }
}
`;

// One constructed sheet per document or shadow root, shared by every assistant
// in it and taken away with the last one: no <style>, so a CSP without
// 'unsafe-inline' allows it.
const adoptedSheets = new WeakMap();
const attached = new WeakSet();
let instances = 0;

/**
 * Attaches the reply assistant to a merchant's own reply box.
 *
 * Needs the core loaded first (`await init()`). It fills the textarea with a
 * draft reply to `options.review` (by default only when the textarea is empty),
 * checks the text as the merchant types, marks each issue in place and lists
 * it, with its rule's source and a fix where one exists.
 *
 * @param {HTMLTextAreaElement} textarea the reply box, already in the document
 * @param {import('./admin.d.ts').ReplyAssistantOptions} options
 * @returns {import('./admin.d.ts').ReplyAssistant}
 * @throws {Error} when the textarea or an option is unusable (the message says
 *   which), or when the core is not loaded; nothing is added to the page then.
 */
export function attachReplyAssistant(textarea, options) {
  if (textarea === null || typeof textarea !== 'object' || textarea.tagName !== 'TEXTAREA') {
    throw new Error('attachReplyAssistant needs a <textarea> element as its first argument.');
  }
  if (!textarea.isConnected) {
    throw new Error('The textarea is not in the document yet: add it to the page, then attach the assistant.');
  }
  if (attached.has(textarea)) {
    throw new Error('This textarea already has a reply assistant: call detach() on it before attaching another.');
  }
  if (options === null || typeof options !== 'object') {
    throw new Error('attachReplyAssistant needs options with the review being answered: { review: { text: … } }.');
  }
  const {
    review, fill = 'empty', debounce = DEFAULT_DEBOUNCE_MS, panel: panelHost, styles = true,
    onLint, onDraft, ...replyOptions
  } = options;
  if (review === null || typeof review !== 'object') {
    throw new Error('attachReplyAssistant needs the review being answered as `review` (an object with `text`).');
  }
  if (!FILL_MODES.includes(fill)) {
    throw new Error(`\`fill\` must be "empty", "always" or "never", not ${JSON.stringify(fill)}.`);
  }
  if (!Number.isFinite(debounce) || debounce < 0) {
    throw new Error(`\`debounce\` must be a number of milliseconds (0 or more), not ${JSON.stringify(debounce)}.`);
  }
  if (panelHost !== undefined && (panelHost === null || typeof panelHost.append !== 'function')) {
    throw new Error('`panel` must be an element to put the list of issues in.');
  }
  for (const [name, value] of [['onLint', onLint], ['onDraft', onDraft]]) {
    if (value !== undefined && typeof value !== 'function') throw new Error(`\`${name}\` must be a function.`);
  }
  const { variant: firstVariant = 0, ...draftOptions } = replyOptions;
  const lintOptions = { ...draftOptions, review };

  // Drafting first also checks the review and the options: a bad one throws
  // here, before anything is added to the page.
  let current = draftReply(review, { ...draftOptions, variant: firstVariant });

  const doc = textarea.ownerDocument;
  const view = doc.defaultView;
  instances += 1;
  const uid = `rl-reply-${instances}`;
  const ids = { summary: `${uid}-summary`, wording: `${uid}-wording` };
  const controller = new AbortController();
  const { signal } = controller;
  let timer = null;
  let frame = null;
  let detached = false;
  let linted = null; // { text, result } or { text, error } of the last check
  let refusal = null; // the linter's Error when it refused the last text
  let shown = { text: '', issues: [] }; // what the mirror marks, kept in step while typing
  let listed = null; // what the list shows, so it is redrawn only when that changes

  // --- the elements we add: a mirror over the textarea and a panel after it

  const mirror = el(doc, 'div', 'rl-reply-mirror');
  mirror.setAttribute('aria-hidden', 'true');
  mirror.style.left = '0px'; // layout() moves it from a known place
  mirror.style.top = '0px';
  const panel = el(doc, 'div', 'rl-reply');
  panel.setAttribute('role', 'group');
  panel.setAttribute('aria-label', 'Reply check');
  const bar = el(doc, 'div', 'rl-reply__bar');
  const another = button(doc, 'Another wording');
  another.setAttribute('aria-describedby', ids.wording);
  const wording = el(doc, 'span', 'rl-reply__wording');
  wording.id = ids.wording;
  wording.setAttribute('aria-live', 'polite');
  bar.append(another, wording);
  const note = el(doc, 'p', 'rl-reply__note');
  note.hidden = true;
  const summary = el(doc, 'p', 'rl-reply__summary');
  summary.id = ids.summary;
  summary.setAttribute('role', 'status');
  const list = el(doc, 'ul', 'rl-reply__issues');
  list.setAttribute('aria-live', 'polite');
  list.setAttribute('aria-label', 'Issues in this reply');
  panel.append(bar, note, summary, list);

  textarea.after(mirror);
  if (panelHost === undefined) mirror.after(panel);
  else panelHost.append(panel);
  const releaseStyles = styles ? adoptStyles(textarea.getRootNode(), view) : () => {};

  const describedBy = textarea.getAttribute('aria-describedby');
  textarea.setAttribute('aria-describedby', describedBy ? `${describedBy} ${ids.summary}` : ids.summary);
  attached.add(textarea);

  // --- drawing

  function renderMirror() {
    const { text, issues } = shown;
    const marks = issues.filter((issue) => isPlaced(issue, text));
    // Cut the text at every mark boundary; each piece takes the worst severity over it.
    const cuts = [...new Set([0, text.length, ...marks.flatMap((i) => [i.start, i.end])])].sort((a, b) => a - b);
    const nodes = [];
    for (let i = 0; i + 1 < cuts.length; i += 1) {
      const [start, end] = [cuts[i], cuts[i + 1]];
      const covering = marks.filter((issue) => issue.start <= start && issue.end >= end);
      const piece = text.slice(start, end);
      if (covering.length === 0) {
        nodes.push(piece);
        continue;
      }
      const mark = el(doc, 'mark', 'rl-reply-mark', piece);
      mark.dataset.severity = worstSeverity(covering);
      mark.dataset.rules = [...new Set(covering.map((issue) => issue.ruleId))].join(' ');
      mark.dataset.start = String(start);
      nodes.push(mark);
    }
    // A trailing newline only makes a line in a textarea; a div needs something on it.
    if (text.endsWith('\n') || text === '') nodes.push('\u200b');
    mirror.replaceChildren(...nodes);
    place();
  }

  /** Copies the textarea's text layout onto the mirror, then places it. */
  function layout() {
    frame = null;
    if (detached) return;
    const style = view.getComputedStyle(textarea);
    for (const property of MIRRORED_PROPERTIES) mirror.style.setProperty(property, style.getPropertyValue(property));
    const px = (property) => parseFloat(style.getPropertyValue(property)) || 0;
    const scrollbar = Math.max(0,
      textarea.offsetWidth - textarea.clientWidth - px('border-left-width') - px('border-right-width'));
    mirror.style.paddingRight = `${px('padding-right') + scrollbar}px`;
    mirror.style.boxSizing = 'border-box';
    // Stay over a textarea that is itself stacked above its neighbours.
    mirror.style.zIndex = style.zIndex === 'auto' ? '' : style.zIndex;
    place();
  }

  /**
   * Puts the mirror exactly over the textarea, measured rather than computed,
   * so any containing block works, and follows its scroll. Cheap enough for
   * every keystroke, which also catches a page that moved the textarea.
   */
  function place() {
    // Both read before any write: one layout, not one per property.
    const target = textarea.getBoundingClientRect();
    let now = mirror.getBoundingClientRect();
    if (target.width === 0 && target.height === 0) {
      mirror.hidden = true; // the textarea is not displayed
      return;
    }
    if (mirror.hidden) {
      mirror.hidden = false; // shown again: its hidden rect says nothing
      now = mirror.getBoundingClientRect();
    }
    // Fractional sizes, as laid out: a rounded width could wrap a line differently.
    mirror.style.width = `${target.width}px`;
    mirror.style.height = `${target.height}px`;
    if (now.left !== target.left || now.top !== target.top) {
      mirror.style.left = `${(parseFloat(mirror.style.left) || 0) + target.left - now.left}px`;
      mirror.style.top = `${(parseFloat(mirror.style.top) || 0) + target.top - now.top}px`;
    }
    syncScroll();
  }

  function scheduleLayout() {
    if (frame === null && !detached) frame = view.requestAnimationFrame(layout);
  }

  function syncScroll() {
    mirror.scrollTop = textarea.scrollTop;
    mirror.scrollLeft = textarea.scrollLeft;
  }

  function renderIssues() {
    const { text, result, error } = linted;
    let key;
    let message;
    let state;
    let issues = [];
    if (error !== undefined) {
      message = `The reply could not be checked: ${error}`;
      state = 'error';
      key = `error:${error}`;
    } else {
      issues = sortIssues(result.issues);
      message = describe(issues, result.ok, text);
      state = result.ok ? (issues.length === 0 ? 'clean' : 'warning') : 'error';
      key = issues.map((issue) => issueKey(issue, text)).join('|');
    }
    // A screen reader hears the summary and the list only when they change,
    // not again after every pause in typing.
    if (summary.textContent !== message) summary.textContent = message;
    summary.dataset.state = state;
    if (key !== listed) {
      listed = key;
      list.replaceChildren(...issues.map((issue, index) => renderIssue(issue, index, text)));
    }
    updateCurrent();
  }

  function renderIssue(issue, index, text) {
    const key = `${uid}-issue-${index}`;
    const item = el(doc, 'li', 'rl-reply__issue');
    item.dataset.severity = issue.severity;
    item.dataset.rule = issue.ruleId;
    item.dataset.start = String(issue.start);
    item.dataset.end = String(issue.end);
    if (isPlaced(issue, text)) item.dataset.placed = '';
    const head = el(doc, 'p', 'rl-reply__head');
    head.append(el(doc, 'span', 'rl-reply__severity', SEVERITY_NAMES[issue.severity] ?? issue.severity));
    head.append(isPlaced(issue, text)
      ? el(doc, 'q', 'rl-reply__quote', shorten(text.slice(issue.start, issue.end)))
      : el(doc, 'span', 'rl-reply__quote', 'The whole reply'));
    const message = el(doc, 'p', 'rl-reply__message', issue.message);
    message.id = `${key}-message`;
    item.append(head, message);
    if (typeof issue.suggestion === 'string') {
      item.append(el(doc, 'p', 'rl-reply__suggestion', issue.suggestion === ''
        ? 'Fix: delete these words.'
        : `Fix: “${shorten(issue.suggestion)}”`));
    }
    if (issue.source) item.append(el(doc, 'p', 'rl-reply__source', `Source: ${issue.source}`));

    const actions = el(doc, 'div', 'rl-reply__actions');
    if (isPlaced(issue, text)) {
      const show = button(doc, 'Show in text');
      show.setAttribute('aria-describedby', message.id);
      show.addEventListener('click', () => showInText(issue), { signal });
      actions.append(show);
    }
    if (typeof issue.suggestion === 'string') {
      const fix = button(doc, 'Apply fix', 'rl-reply__button--fix');
      fix.setAttribute('aria-describedby', message.id);
      fix.addEventListener('click', () => applyFix(issue, index), { signal });
      actions.append(fix);
    }
    if (actions.childElementCount > 0) item.append(actions);
    return item;
  }

  function renderWording() {
    another.hidden = current.variants <= 1;
    wording.textContent = current.variants > 1 ? `Wording ${current.variant + 1} of ${current.variants}` : '';
    note.hidden = !current.escalated;
    note.textContent = current.escalated
      ? 'This review goes to a person: the draft acknowledges it and says it is being escalated, with no admission of liability and no public promise of compensation.'
      : '';
  }

  // Marks the issue under the caret, in the text and in the list.
  function updateCurrent() {
    const at = doc.activeElement === textarea ? textarea.selectionStart : -1;
    for (const item of list.children) {
      const start = Number(item.dataset.start);
      const end = Number(item.dataset.end);
      item.classList.toggle('is-current', item.dataset.placed !== undefined && at >= start && at <= end);
    }
    for (const mark of mirror.children) {
      const start = Number(mark.dataset.start);
      mark.classList.toggle('is-current', at >= start && at <= start + mark.textContent.length);
    }
  }

  // --- checking

  /**
   * Checks the text now. Returns the result, or null when the linter refused
   * the text: its message is then in the summary and in `refusal`.
   */
  function check() {
    clearTimer();
    const text = textarea.value;
    let result;
    try {
      result = lintReply(text, lintOptions);
    } catch (error) {
      refusal = error;
      linted = { text, error: error.message };
      shown = { text, issues: [] };
      renderMirror();
      renderIssues();
      return null;
    }
    refusal = null;
    accept(text, result);
    return result;
  }

  function accept(text, result) {
    clearTimer();
    linted = { text, result };
    shown = { text, issues: result.issues };
    renderMirror();
    renderIssues();
    onLint?.(result);
  }

  function scheduleCheck() {
    clearTimer();
    timer = view.setTimeout(() => {
      timer = null;
      check();
    }, debounce);
  }

  function clearTimer() {
    if (timer !== null) view.clearTimeout(timer);
    timer = null;
  }

  // --- drafting and fixing

  function fillWith(draft) {
    current = draft;
    shown = { text: draft.reply, issues: [] }; // our own input listener has nothing to redraw
    textarea.value = draft.reply;
    // The host's own listeners (counters, unsaved-changes flags) see it as typed.
    textarea.dispatchEvent(new view.Event('input', { bubbles: true }));
    renderWording();
    accept(draft.reply, draft.lint);
    onDraft?.(draft);
    return draft;
  }

  function showInText(issue) {
    const target = locate(issue);
    if (target === null) return;
    textarea.focus();
    textarea.setSelectionRange(target.start, target.end);
    updateCurrent();
  }

  function applyFix(issue, index) {
    const target = locate(issue);
    if (target === null) return;
    replaceRange(target.start, target.end, target.suggestion);
    check();
    // Keep a keyboard user in the list: the next issue, or back to the text.
    const items = [...list.children];
    const item = items[Math.min(index, items.length - 1)];
    const next = item?.querySelector('.rl-reply__button--fix') ?? item?.querySelector('.rl-reply__button');
    if (next) next.focus();
    else textarea.focus();
  }

  /** The issue as it stands in the current text (the merchant may have typed since it was found). */
  function locate(issue) {
    const text = textarea.value;
    if (linted !== null && linted.text === text) return issue;
    const wanted = linted?.text.slice(issue.start, issue.end);
    const fresh = check();
    if (fresh === null) return null;
    const same = fresh.issues.filter((i) => i.ruleId === issue.ruleId && text.slice(i.start, i.end) === wanted);
    if (same.length === 0) {
      summary.textContent = `That text has changed, so the fix was not applied. ${summary.textContent}`;
      return null;
    }
    return same.reduce((best, i) => (Math.abs(i.start - issue.start) < Math.abs(best.start - issue.start) ? i : best));
  }

  function replaceRange(start, end, replacement) {
    const before = textarea.value;
    const expected = before.slice(0, start) + replacement + before.slice(end);
    textarea.focus();
    textarea.setSelectionRange(start, end);
    // insertText keeps the browser's undo history (Ctrl+Z brings the words back).
    let done = false;
    try {
      done = replacement === ''
        ? doc.execCommand('delete', false)
        : doc.execCommand('insertText', false, replacement);
    } catch {
      done = false;
    }
    if (textarea.value === expected) return;
    if (!done && textarea.value === before) {
      textarea.setRangeText(replacement, start, end, 'end');
    } else {
      textarea.value = expected;
      textarea.setSelectionRange(start + replacement.length, start + replacement.length);
    }
    textarea.dispatchEvent(new view.Event('input', { bubbles: true }));
  }

  // --- listening

  textarea.addEventListener('input', () => {
    const text = textarea.value;
    if (text !== shown.text) {
      shown = { text, issues: shiftIssues(shown.issues, shown.text, text) };
      renderMirror();
    }
    scheduleCheck();
  }, { signal });
  textarea.addEventListener('scroll', syncScroll, { signal, passive: true });
  for (const type of ['keyup', 'click', 'focus', 'blur', 'select']) {
    textarea.addEventListener(type, updateCurrent, { signal });
  }
  // A host script may set the value without an input event.
  textarea.addEventListener('focus', () => {
    place();
    if (textarea.value !== shown.text) {
      shown = { text: textarea.value, issues: [] };
      renderMirror();
      scheduleCheck();
    }
  }, { signal });
  view.addEventListener('resize', scheduleLayout, { signal, passive: true });
  doc.fonts?.addEventListener?.('loadingdone', scheduleLayout, { signal });
  // Called after layout, so it can measure at once; the mirror is out of flow,
  // so moving it never resizes what is observed.
  const resizes = new view.ResizeObserver(() => { if (!detached) layout(); });
  resizes.observe(textarea);
  if (textarea.parentElement) resizes.observe(textarea.parentElement);
  another.addEventListener('click', () => {
    fillWith(draftReply(review, { ...draftOptions, variant: current.variant + 1 }));
  }, { signal });

  // --- start

  layout();
  renderWording();
  if (fill === 'always' || (fill === 'empty' && textarea.value.trim() === '')) {
    fillWith(current);
  } else {
    check();
  }

  function alive(method) {
    if (detached) throw new Error(`The reply assistant was detached: ${method}() needs a new attachReplyAssistant().`);
  }

  return {
    draft() {
      alive('draft');
      return fillWith(draftReply(review, { ...draftOptions, variant: current.variant }));
    },
    nextVariant() {
      alive('nextVariant');
      return fillWith(draftReply(review, { ...draftOptions, variant: current.variant + 1 }));
    },
    lint() {
      alive('lint');
      const result = check();
      if (result === null) throw refusal;
      return result;
    },
    detach() {
      if (detached) return;
      detached = true;
      clearTimer();
      if (frame !== null) view.cancelAnimationFrame(frame);
      frame = null;
      controller.abort();
      resizes.disconnect();
      mirror.remove();
      panel.remove();
      releaseStyles();
      const tokens = (textarea.getAttribute('aria-describedby') ?? '').split(/\s+/)
        .filter((token) => token !== '' && token !== ids.summary);
      if (tokens.length > 0) textarea.setAttribute('aria-describedby', tokens.join(' '));
      else if (describedBy === null) textarea.removeAttribute('aria-describedby');
      else textarea.setAttribute('aria-describedby', describedBy);
      attached.delete(textarea);
    },
  };
}

/**
 * Moves issue spans through an edit: spans before the change stay, spans after
 * it shift by the change in length, spans the edit touched are dropped until
 * the next check.
 */
function shiftIssues(issues, before, after) {
  const shortest = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shortest && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix += 1;
  let suffix = 0;
  while (suffix < shortest - prefix
    && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix += 1;
  const editEnd = before.length - suffix;
  const delta = after.length - before.length;
  return issues.flatMap((issue) => {
    if (issue.end <= prefix && issue.end > issue.start) return [issue];
    if (issue.start >= editEnd && issue.end > issue.start) {
      return [{ ...issue, start: issue.start + delta, end: issue.end + delta }];
    }
    return [];
  });
}

/**
 * Whether an issue is about some words rather than the reply as a whole (a
 * missing apology spans everything and has no fix): only those are marked.
 */
function isPlaced(issue, text) {
  if (issue.end <= issue.start || text.slice(issue.start, issue.end).trim() === '') return false;
  const everything = text.slice(0, issue.start).trim() === '' && text.slice(issue.end).trim() === '';
  return !everything || typeof issue.suggestion === 'string';
}

function sortIssues(issues) {
  return [...issues].sort((a, b) => a.start - b.start || a.end - b.end
    || SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}

function issueKey(issue, text) {
  const flagged = text.slice(issue.start, issue.end);
  return JSON.stringify([issue.ruleId, issue.severity, issue.start, issue.end, flagged, issue.message, issue.suggestion]);
}

function worstSeverity(issues) {
  return SEVERITY_ORDER.find((severity) => issues.some((issue) => issue.severity === severity)) ?? 'suggestion';
}

function describe(issues, ok, text) {
  if (text.trim() === '' && issues.length === 0) return 'Write a reply and it will be checked as you type.';
  if (issues.length === 0) return 'No issues found.';
  const counts = SEVERITY_ORDER
    .map((severity) => [severity, issues.filter((issue) => issue.severity === severity).length])
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${n} ${n === 1 ? severity : SEVERITY_PLURALS[severity]}`);
  const total = `${issues.length} ${issues.length === 1 ? 'issue' : 'issues'}`;
  return `${total} found: ${counts.join(', ')}. ${ok ? 'Nothing blocks posting it.' : 'Fix the errors before posting.'}`;
}

function shorten(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > QUOTE_MAX ? `${flat.slice(0, QUOTE_MAX - 1)}…` : flat;
}

function el(doc, tag, className, text) {
  const node = doc.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(doc, label, extraClass = '') {
  const node = el(doc, 'button', `rl-reply__button ${extraClass}`.trim(), label);
  node.type = 'button';
  return node;
}

function adoptStyles(root, view) {
  if (!('adoptedStyleSheets' in root) || typeof view.CSSStyleSheet !== 'function') return () => {};
  let entry = adoptedSheets.get(root);
  if (entry === undefined) {
    // Parsed once per root, kept while the root lives, adopted only while in use.
    const sheet = new view.CSSStyleSheet();
    sheet.replaceSync(STYLES);
    entry = { sheet, users: 0 };
    adoptedSheets.set(root, entry);
  }
  if (entry.users === 0) root.adoptedStyleSheets = [...root.adoptedStyleSheets, entry.sheet];
  entry.users += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    entry.users -= 1;
    if (entry.users === 0) root.adoptedStyleSheets = root.adoptedStyleSheets.filter((sheet) => sheet !== entry.sheet);
  };
}
