// The reply inbox: sample reviews, most urgent first, and the package's reply
// assistant on a real <textarea>. Review text only enters the page through
// textContent.

const PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];

const $ = (id) => document.getElementById(id);
const ui = {
  notice: $('notice'),
  announcer: $('announcer'),
  count: $('inbox-count'),
  list: $('inbox-list'),
  empty: $('empty-state'),
  view: $('review-view'),
  heading: $('review-heading'),
  priority: $('review-priority'),
  meta: $('review-meta'),
  labels: $('review-labels'),
  quote: $('review-quote'),
  form: $('reply-form'),
  settingsError: $('settings-error'),
  reply: $('reply-text'),
  settings: {
    platform: $('platform'),
    tone: $('tone'),
    brand: $('brand'),
    support: $('support'),
    signOff: $('sign-off'),
  },
};

const state = {
  api: null,
  items: [],
  open: null, // the item whose reply is in the box
  assistant: null,
  drafts: new Map(), // review id → its reply as last drafted, to tell it from the merchant's edits
  replies: new Map(), // review id → the reply text left in the box
  good: undefined, // the last settings the core accepted
};

start();

async function start() {
  try {
    const [core, admin] = await Promise.all([import('/js/index.js'), import('/js/admin.js')]);
    await core.init();
    state.api = { classifyBatch: core.classifyBatch, attachReplyAssistant: admin.attachReplyAssistant };
  } catch (error) {
    const built = await fetch('/js/pkg/reviewloop_bg.wasm', { method: 'HEAD' }).then((r) => r.ok, () => false);
    showNotice(built
      ? `The reply assistant could not start: ${error.message}`
      : 'The engine is not built yet: js/pkg/reviewloop_bg.wasm is missing. Run `make build`, then reload this page.');
    return;
  }
  let reviews;
  try {
    const response = await fetch('/admin-reviews.json');
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    reviews = await response.json();
  } catch (error) {
    showNotice(`The sample reviews could not be loaded: ${error.message}`);
    return;
  }
  const results = state.api.classifyBatch(reviews);
  state.items = reviews
    .map((review, index) => ({ review, result: results[index] }))
    .filter((item) => item.result.error === undefined);
  // Array#sort is stable: within a priority, the newest (file order) stays first.
  state.items.sort((a, b) => PRIORITY_ORDER.indexOf(a.result.priority) - PRIORITY_ORDER.indexOf(b.result.priority));
  renderInbox();
  document.body.dataset.ready = 'true';
}

// ---------------------------------------------------------------------------
// The inbox

function renderInbox() {
  ui.count.textContent = `(${state.items.length})`;
  ui.list.replaceChildren(...state.items.map((item, index) => {
    const { review, result } = item;
    const entry = el('li', `inbox-item priority-${result.priority}`);
    entry.dataset.priority = result.priority;
    entry.dataset.id = String(review.id);
    const open = el('button', 'inbox-open');
    open.type = 'button';
    open.dataset.index = String(index);
    const head = el('span', 'inbox-head');
    head.append(
      el('span', `badge priority-${result.priority}`, `${labelOf(result.priority)}`),
      el('span', 'inbox-author', String(review.author ?? 'Anonymous')),
      stars(review.rating),
    );
    const title = review.title ? `${review.title}${/[.!?…]$/.test(review.title) ? ' ' : ': '}` : '';
    open.append(head, el('span', 'inbox-excerpt', `${title}${review.text}`));
    const tags = [...result.risks.map((r) => labelOf(r.id)), ...result.categories.map((c) => labelOf(c.id))];
    if (tags.length > 0) open.append(el('span', 'inbox-tags', tags.join(' · ')));
    entry.append(open);
    return entry;
  }));
}

ui.list.addEventListener('click', (event) => {
  const target = event.target.closest('.inbox-open');
  if (target !== null) openReview(Number(target.dataset.index), { focus: true });
});

// Arrow keys move between reviews; Tab leaves the list.
ui.list.addEventListener('keydown', (event) => {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
  const buttons = [...ui.list.querySelectorAll('.inbox-open')];
  const at = buttons.indexOf(document.activeElement);
  if (at === -1) return;
  event.preventDefault();
  const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
  buttons[Math.max(0, Math.min(buttons.length - 1, next))].focus();
});

// ---------------------------------------------------------------------------
// One review and its reply

function openReview(index, { focus }) {
  const item = state.items[index];
  if (item === undefined) return;
  if (state.open !== null) state.replies.set(state.open.review.id, ui.reply.value);
  state.assistant?.detach();
  state.assistant = null;
  state.open = item;

  for (const button of ui.list.querySelectorAll('.inbox-open')) {
    if (button.dataset.index === String(index)) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
  }
  renderReview(item);
  ui.empty.hidden = true;
  ui.view.hidden = false;
  ui.form.hidden = false;
  ui.reply.value = state.replies.get(item.review.id) ?? '';
  attach('empty');
  announce(`Review by ${item.review.author ?? 'an anonymous customer'} opened; ${untouched() ? 'a reply is drafted' : 'your reply is in the box'}.`);
  if (focus) ui.heading.focus();
}

function renderReview({ review, result }) {
  ui.heading.textContent = `${review.author ?? 'Anonymous'} on ${review.product ?? 'an order'}`;
  ui.priority.className = `badge priority-${result.priority}`;
  ui.priority.textContent = `${labelOf(result.priority)} priority`;
  const meta = [stars(review.rating)];
  if (review.createdAt) meta.push(el('span', '', ` · ${review.createdAt}`));
  meta.push(el('span', `sentiment sentiment-${result.sentiment.label}`, ` · ${labelOf(result.sentiment.label)}`));
  ui.meta.replaceChildren(...meta);

  const chips = [
    ...result.risks.map((r) => label('risk', r.id)),
    ...result.categories.map((c) => label('category', c.id)),
  ];
  ui.labels.replaceChildren(...(chips.length > 0 ? chips : [el('span', 'muted', 'No root cause or risk found.')]));

  const spans = { text: [], title: [] };
  for (const entry of [...result.risks, ...result.categories]) {
    for (const span of entry.evidence ?? []) {
      spans[span.field === 'title' ? 'title' : 'text'].push({ ...span, name: labelOf(entry.id) });
    }
  }
  const parts = [];
  if (review.title) parts.push(withEvidence('p', 'review-title', String(review.title), spans.title));
  parts.push(withEvidence('p', 'review-text', String(review.text), spans.text));
  ui.quote.replaceChildren(...parts);
}

function label(kind, id) {
  const node = el('span', `label label-${kind}`, labelOf(id));
  node.dataset[kind] = id;
  return node;
}

/** A paragraph of `text` with each run of overlapping evidence spans in a <mark>. */
function withEvidence(tag, className, text, spans) {
  const node = el(tag, className);
  const runs = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const start = Math.max(0, span.start);
    const end = Math.min(text.length, span.end);
    if (start >= end) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && start < last.end) {
      last.end = Math.max(last.end, end);
      last.names.add(span.name);
    } else {
      runs.push({ start, end, names: new Set([span.name]) });
    }
  }
  let at = 0;
  for (const run of runs) {
    node.append(text.slice(at, run.start));
    const mark = el('mark', 'evidence', text.slice(run.start, run.end));
    mark.title = [...run.names].join(', ');
    node.append(mark);
    at = run.end;
  }
  node.append(text.slice(at));
  return node;
}

/**
 * (Re)attaches the assistant with the settings as they stand and the
 * reviewer's name. A name the core refuses (markup in it) is left out; settings
 * it refuses are reported, and the last settings that worked stay in use.
 */
function attach(fill) {
  const { review } = state.open;
  const wanted = settings();
  const attempts = [
    { options: { ...wanted, displayName: review.author }, note: '' },
    { options: wanted, note: 'The reviewer\'s name is left out of the reply' },
    { options: state.good, note: 'These settings cannot be used' },
  ];
  let first = null;
  for (const { options, note } of attempts) {
    if (options === undefined) continue;
    try {
      state.assistant = state.api.attachReplyAssistant(ui.reply, {
        ...options, review, fill, onDraft: (draft) => { state.drafts.set(review.id, draft.reply); },
      });
    } catch (error) {
      first ??= error;
      continue;
    }
    if (options !== state.good) state.good = wanted;
    ui.settingsError.textContent = note === '' ? '' : `${note}: ${first.message}`;
    ui.settingsError.hidden = note === '';
    return;
  }
  ui.settingsError.textContent = `The reply assistant could not start: ${first.message}`;
  ui.settingsError.hidden = false;
}

function settings() {
  const options = {};
  for (const [name, input] of Object.entries(ui.settings)) {
    const value = input.value.trim();
    if (value !== '') options[name] = value;
  }
  return options;
}

// A new setting redrafts a reply nobody has edited; an edited one is only re-checked.
ui.form.addEventListener('change', (event) => {
  if (state.open === null || event.target === ui.reply) return;
  const redraft = untouched();
  state.assistant?.detach();
  state.assistant = null;
  attach(redraft ? 'always' : 'never');
});
ui.form.addEventListener('submit', (event) => event.preventDefault());

/** Whether the box holds the open review's draft as drafted (or nothing). */
function untouched() {
  const text = ui.reply.value;
  return text.trim() === '' || text === state.drafts.get(state.open.review.id);
}

// ---------------------------------------------------------------------------
// Small helpers

function stars(rating) {
  const node = el('span', 'stars');
  const value = Number(rating);
  if (!Number.isFinite(value)) return node;
  const whole = Math.max(0, Math.min(5, Math.round(value)));
  node.setAttribute('role', 'img');
  node.setAttribute('aria-label', `${value} of 5 stars`);
  node.append(el('span', 'stars-on', '★'.repeat(whole)), el('span', 'stars-off', '★'.repeat(5 - whole)));
  return node;
}

function el(tag, className = '', text) {
  const node = document.createElement(tag);
  if (className !== '') node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** `damaged_in_transit` → `Damaged in transit`. */
function labelOf(id) {
  const words = String(id).replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function showNotice(message) {
  ui.notice.textContent = message;
  ui.notice.hidden = false;
}

function announce(message) {
  ui.announcer.textContent = '';
  requestAnimationFrame(() => { ui.announcer.textContent = message; });
}
