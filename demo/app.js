// The demo page: reads pasted or uploaded reviews, classifies them with the
// package's own API and shows why each review got its labels.
// Customer text only ever enters the page through textContent.

const PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];
const SENTIMENT_ORDER = ['negative', 'mixed', 'neutral', 'positive'];
const PAGE_SIZE = 100;

// Header names that mark a CSV export rather than plain lines of text: the
// review-text aliases parseRecords reads, written as it matches them.
const TEXT_COLUMNS = new Set(['text', 'body', 'review', 'reviewtext', 'content', 'comment']);

const SAMPLE_REVIEWS = [
  { id: 'R-1001', rating: 2, title: 'Late again', text: 'Ordered on the 2nd and it took three weeks to arrive. Tracking said delivered days before it showed up.' },
  { id: 'R-1002', rating: 1, text: 'Sent it back a month ago and I am still waiting for my refund. Nobody answers my emails.' },
  { id: 'R-1003', rating: 3, text: 'Nice soft fabric but it runs two sizes small, so it has to go back.' },
  { id: 'R-1004', rating: 1, title: 'Arrived broken', text: 'The box was crushed and the glass lid arrived broken. Pieces everywhere.' },
  { id: 'R-1005', rating: 1, text: 'The charger overheated and started smoking next to my son’s bed. This is dangerous.' },
  { id: 'R-1006', rating: 2, text: 'Wrong colour sent. My order #112-5523, call me at 555-0134 or write to dana@example.com to sort it out.' },
  { id: 'R-1007', rating: 5, title: 'Perfect gift', text: 'Beautiful quality, arrived early and my mum loves it. Will order again!' },
  { id: 'R-1008', rating: 4, text: 'Love the dress, but it came a week late and I missed the wedding I bought it for.' },
  { id: 'R-1009', rating: 2, text: 'El pedido llegó tarde y la caja estaba rota. Muy decepcionada.' },
  { id: 'R-1010', rating: 5, text: '😡 Stopped working after two days. Total junk and a complete waste of money.' },
  { id: 'R-1011', rating: 1, text: 'Copied from our old site: <script>alert(1)</script> <img src=x onerror=alert(1)> this seller is a scam and I am filing a chargeback.' },
  { id: 'R-1012', rating: 3, text: 'Does it come with a wall plug or only the USB cable?' },
];

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('intake-form'),
  input: $('reviews-input'),
  classify: $('classify-button'),
  file: $('file-input'),
  fileName: $('file-name'),
  sample: $('sample-button'),
  clear: $('clear-button'),
  notice: $('notice'),
  announcer: $('announcer'),
  results: $('results'),
  summary: $('summary'),
  failures: $('failures'),
  failuresTitle: $('failures-title'),
  failureList: $('failure-list'),
  list: $('result-list'),
  more: $('more-button'),
};

// ---------------------------------------------------------------------------
// Loading the engine

const engine = loadEngine();

async function loadEngine() {
  try {
    // The classifier's own package (js/pkg-classify): this page never drafts
    // or reports, so it does not download the rest of the engine.
    const [api, records] = await Promise.all([import('/js/classify.js'), import('/js/lib/records.js')]);
    await api.init();
    // The core builds its rules on the first call (about a second): pay that
    // while the merchant is still reading, not after they click Classify.
    api.classify({ text: 'Warming up.' });
    return { classifyBatch: api.classifyBatch, parseRecords: records.parseRecords };
  } catch (error) {
    const built = await fetch('/js/pkg-classify/reviewloop_bg.wasm', { method: 'HEAD' }).then((r) => r.ok, () => false);
    if (!built) {
      showNotice('The classifier is not built yet: js/pkg-classify/reviewloop_bg.wasm is missing. Run ', code('make build'),
        ' in the project folder, then reload this page.');
    } else {
      showNotice(`The classifier could not start: ${error.message}`);
    }
    ui.classify.disabled = true;
    return null;
  }
}

// ---------------------------------------------------------------------------
// Reading the input

/**
 * Turns what the merchant pasted into rows: `{ line, review }` to classify or
 * `{ line, id, error }` that could not be read.
 * @param {string} text
 * @param {(text: string) => Array<object>} parseRecords
 */
function readRows(text, parseRecords) {
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart()[0];
  if (first === '{' || looksLikeCsvHeader(body)) return parseRecords(body);
  const rows = [];
  body.split(/\r\n|\n|\r/).forEach((line, index) => {
    const review = line.trim();
    if (review !== '') rows.push({ line: index + 1, review: { id: `line ${index + 1}`, text: review } });
  });
  return rows;
}

function looksLikeCsvHeader(text) {
  const header = text.split(/\r\n|\n|\r/).find((line) => line.trim() !== '');
  if (header === undefined) return false;
  return splitCsvLine(header).some((name) => TEXT_COLUMNS.has(name.toLowerCase().replace(/[\s_-]+/g, '')));
}

// Only for sniffing the header; parseRecords reads the file itself.
function splitCsvLine(line) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { fields.push(field); field = ''; } else field += c;
  }
  fields.push(field);
  return fields;
}

// ---------------------------------------------------------------------------
// Classifying

let current = { items: [], shown: 0 };

async function run() {
  const api = await engine;
  if (api === null) return; // the notice already says why
  hideNotice();
  const text = ui.input.value;
  if (text.trim() === '') {
    showNotice('Paste at least one review, load the sample, or upload an export.');
    ui.input.focus();
    return;
  }

  const started = performance.now();
  let rows;
  let results;
  try {
    rows = readRows(text, api.parseRecords);
    const toClassify = rows.filter((row) => row.review !== undefined);
    results = api.classifyBatch(toClassify.map((row) => row.review));
  } catch (error) {
    showNotice(`These reviews could not be read: ${error.message}`);
    return;
  }
  const elapsed = performance.now() - started;

  const items = [];
  const failures = [];
  let next = 0;
  for (const row of rows) {
    if (row.review === undefined) {
      failures.push({ line: row.line, id: row.id ?? null, error: row.error });
      continue;
    }
    const result = results[next];
    next += 1;
    if (result.error !== undefined) {
      failures.push({ line: row.line, id: result.id ?? row.review.id ?? null, error: result.error });
    } else {
      items.push({ line: row.line, review: row.review, result });
    }
  }
  // Array#sort is stable: within a priority, reviews keep their input order.
  items.sort((a, b) => PRIORITY_ORDER.indexOf(a.result.priority) - PRIORITY_ORDER.indexOf(b.result.priority));

  render(items, failures, elapsed);
  const count = items.length;
  let message = `${count} ${count === 1 ? 'review' : 'reviews'} classified`;
  if (failures.length > 0) message += `, ${failures.length} could not be read`;
  announce(message);
}

// ---------------------------------------------------------------------------
// Rendering

function render(items, failures, elapsed) {
  ui.results.hidden = false;
  ui.summary.replaceChildren(renderSummary(items, failures, elapsed));

  ui.failures.hidden = failures.length === 0;
  ui.failuresTitle.textContent = `${failures.length} ${failures.length === 1 ? 'row' : 'rows'} could not be read`;
  ui.failureList.replaceChildren(...failures.map(renderFailure));

  current = { items, shown: 0 };
  ui.list.replaceChildren();
  showMore();
}

function showMore() {
  const { items } = current;
  const batch = items.slice(current.shown, current.shown + PAGE_SIZE);
  ui.list.append(...batch.map(renderResult));
  current.shown += batch.length;
  const left = items.length - current.shown;
  ui.more.hidden = left === 0;
  ui.more.textContent = left <= PAGE_SIZE ? `Show the last ${left}` : `Show ${PAGE_SIZE} more (${left} not shown)`;
}

function renderSummary(items, failures, elapsed) {
  const fragment = document.createDocumentFragment();

  const stats = el('dl', 'stats');
  const urgent = items.filter((item) => item.result.priority === 'urgent').length;
  const needsReply = items.filter((item) => item.result.needsReply).length;
  stats.append(
    stat('Classified', items.length, `in ${formatDuration(elapsed)}`),
    stat('Urgent', urgent, urgent > 0 ? 'safety, legal or fraud' : 'nothing urgent', urgent > 0 ? 'stat-urgent' : ''),
    stat('Need a reply', needsReply),
  );
  if (failures.length > 0) stats.append(stat('Could not read', failures.length, 'see below', 'stat-failed'));
  fragment.append(stats);

  const breakdown = el('div', 'breakdown');
  const sentiments = countBy(items, (item) => [item.result.sentiment.label]);
  breakdown.append(tally('By sentiment', SENTIMENT_ORDER.filter((s) => sentiments.has(s))
    .map((s) => [labelOf(s), sentiments.get(s), `sentiment-${s}`])));
  const categories = countBy(items, (item) => item.result.categories.map((c) => c.id));
  breakdown.append(tally('By root cause', [...categories].sort((a, b) => b[1] - a[1])
    .map(([id, n]) => [labelOf(id), n, 'category'])));
  const risks = countBy(items, (item) => item.result.risks.map((r) => r.id));
  breakdown.append(tally('Risks', [...risks].sort((a, b) => b[1] - a[1])
    .map(([id, n]) => [labelOf(id), n, 'risk'])));
  fragment.append(breakdown);
  return fragment;
}

function stat(label, value, note = '', className = '') {
  const box = el('div', `stat ${className}`.trim());
  box.append(el('dt', '', label), el('dd', 'stat-value', String(value)));
  if (note !== '') box.append(el('dd', 'stat-note', note));
  return box;
}

function tally(title, entries) {
  const box = el('section', 'tally');
  box.append(el('h3', '', title));
  if (entries.length === 0) {
    box.append(el('p', 'muted', 'None found.'));
    return box;
  }
  const list = el('ul', 'tally-list');
  for (const [label, count, className] of entries) {
    const item = el('li', `tally-item ${className}`);
    item.append(el('span', 'tally-label', label), el('span', 'tally-count', String(count)));
    list.append(item);
  }
  box.append(list);
  return box;
}

function renderFailure(failure) {
  const item = el('li', 'failure');
  const where = failure.id === null || failure.id === `line ${failure.line}`
    ? `Line ${failure.line}` : `Line ${failure.line} (${failure.id})`;
  item.append(el('strong', '', `${where}: `), el('span', 'failure-message', failure.error));
  return item;
}

let resultCount = 0;

function renderResult({ line, review, result }) {
  resultCount += 1;
  const key = `result-${resultCount}`;
  const item = el('li', `result priority-${result.priority}`);
  item.dataset.priority = result.priority;
  const article = el('article', 'result-body');
  article.setAttribute('aria-labelledby', `${key}-name`);

  const head = el('header', 'result-head');
  const name = el('h3', 'result-name', String(result.id ?? review.id ?? `line ${line}`));
  name.id = `${key}-name`;
  name.tabIndex = -1; // "Show more" moves focus here
  const priority = el('span', `badge priority priority-${result.priority}`, `${labelOf(result.priority)} priority`);
  const reply = result.needsReply
    ? el('span', 'badge reply', 'Needs reply')
    : el('span', 'badge reply-none', 'No reply needed');
  head.append(name, priority, reply);
  article.append(head);

  const facts = el('dl', 'facts');
  const sentiment = el('span', `sentiment sentiment-${result.sentiment.label}`, labelOf(result.sentiment.label));
  facts.append(fact('Sentiment', sentiment, el('span', 'score', formatScore(result.sentiment.score))));
  const rating = Number(review.rating);
  if (review.rating !== undefined && review.rating !== null && review.rating !== '' && Number.isFinite(rating)) {
    const parts = [stars(rating)];
    if (result.ratingMismatch) parts.push(el('span', 'badge mismatch', 'Text contradicts the rating'));
    facts.append(fact('Rating', ...parts));
  }
  facts.append(fact('Language', el('span', '', languageName(result.language))));
  article.append(facts);

  const chips = el('div', 'chips');
  if (result.categories.length === 0 && result.risks.length === 0) {
    chips.append(el('p', 'muted', 'No root cause or risk found.'));
  }
  for (const category of result.categories) {
    chips.append(chip('category', category.id, `${Math.round(category.confidence * 100)}%`, `${key}-text`));
  }
  for (const risk of result.risks) {
    chips.append(chip('risk', risk.id, '', `${key}-text`));
  }
  article.append(chips);

  const quote = el('blockquote', 'review');
  quote.id = `${key}-text`;
  const spans = evidenceSpans(result);
  if (typeof review.title === 'string' && review.title !== '') {
    quote.append(highlighted('p', 'review-title', review.title, spans.title));
  }
  quote.append(highlighted('p', 'review-text', String(review.text), spans.text));
  article.append(quote);

  item.append(article);
  return item;
}

function fact(label, ...values) {
  const row = el('div', 'fact');
  const dd = el('dd');
  dd.append(...values);
  row.append(el('dt', '', label), dd);
  return row;
}

function stars(rating) {
  const node = el('span', 'stars');
  const whole = Math.max(0, Math.min(5, Math.round(rating)));
  node.setAttribute('role', 'img');
  node.setAttribute('aria-label', `${rating} of 5 stars`);
  node.append(el('span', 'stars-on', '★'.repeat(whole)), el('span', 'stars-off', '★'.repeat(5 - whole)));
  return node;
}

// A chip previews its evidence on hover or focus; a click pins it.
function chip(kind, id, detail, controls) {
  const node = el('button', `chip chip-${kind}`);
  node.type = 'button';
  node.dataset[kind] = id;
  node.dataset.label = `${kind}:${id}`;
  node.setAttribute('aria-pressed', 'false');
  node.setAttribute('aria-controls', controls);
  node.title = `Highlight the words behind “${labelOf(id)}”`;
  node.append(el('span', 'chip-label', labelOf(id)));
  if (detail !== '') {
    const confidence = el('span', 'chip-detail', detail);
    confidence.setAttribute('aria-label', `confidence ${detail}`);
    node.append(confidence);
  }
  return node;
}

/** Evidence spans per field, each with the `kind:id` label that produced it. */
function evidenceSpans(result) {
  const spans = { text: [], title: [] };
  const add = (kind, entry) => {
    for (const span of entry.evidence ?? []) {
      const field = span.field === 'title' ? 'title' : 'text';
      spans[field].push({ start: span.start, end: span.end, label: `${kind}:${entry.id}`, name: labelOf(entry.id) });
    }
  };
  result.categories.forEach((c) => add('category', c));
  result.risks.forEach((r) => add('risk', r));
  return spans;
}

/**
 * Builds a paragraph of `text` with one <mark> per run of overlapping spans;
 * inside a mark, pieces carry the labels that cover them, so a chip can light
 * up exactly its own words.
 */
function highlighted(tag, className, text, spans) {
  const node = el(tag, className);
  const valid = spans
    .map((s) => ({ ...s, start: clamp(s.start, 0, text.length), end: clamp(s.end, 0, text.length) }))
    .filter((s) => s.start < s.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);

  // Merge overlapping spans into runs.
  const runs = [];
  for (const span of valid) {
    const last = runs[runs.length - 1];
    if (last !== undefined && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      last.spans.push(span);
    } else {
      runs.push({ start: span.start, end: span.end, spans: [span] });
    }
  }

  let at = 0;
  for (const run of runs) {
    if (run.start > at) node.append(text.slice(at, run.start));
    node.append(renderRun(text, run));
    at = run.end;
  }
  if (at < text.length) node.append(text.slice(at));
  return node;
}

function renderRun(text, run) {
  const mark = el('mark', 'evidence');
  const names = [...new Set(run.spans.map((s) => s.name))];
  mark.title = names.join(', ');
  const cuts = [...new Set(run.spans.flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < cuts.length; i += 1) {
    const [start, end] = [cuts[i], cuts[i + 1]];
    const labels = [...new Set(run.spans.filter((s) => s.start <= start && s.end >= end).map((s) => s.label))];
    pieces.push({ start, end, labels: labels.join(' ') });
  }
  if (pieces.every((p) => p.labels === pieces[0].labels)) {
    mark.dataset.labels = pieces[0].labels;
    mark.append(text.slice(run.start, run.end));
    return mark;
  }
  for (const piece of pieces) {
    const part = el('span', 'evidence-part', text.slice(piece.start, piece.end));
    part.dataset.labels = piece.labels;
    mark.append(part);
  }
  return mark;
}

/** Lights up the words of every chip that is pinned or previewed in one result. */
function refreshHighlights(article) {
  const active = new Set();
  for (const node of article.querySelectorAll('.chip')) {
    if (node.getAttribute('aria-pressed') === 'true' || node.classList.contains('is-previewing')) {
      active.add(node.dataset.label);
    }
  }
  for (const node of article.querySelectorAll('[data-labels]')) {
    node.classList.toggle('is-active', node.dataset.labels.split(' ').some((label) => active.has(label)));
  }
  article.classList.toggle('has-active', active.size > 0);
}

// ---------------------------------------------------------------------------
// Small helpers

function el(tag, className = '', text) {
  const node = document.createElement(tag);
  if (className !== '') node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function code(text) {
  return el('code', '', text);
}

function clamp(n, low, high) {
  return Number.isFinite(n) ? Math.min(Math.max(n, low), high) : low;
}

function countBy(items, keys) {
  const counts = new Map();
  for (const item of items) {
    for (const key of keys(item)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** `damaged_in_transit` → `Damaged in transit`: the taxonomy id, readable. */
function labelOf(id) {
  const words = String(id).replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const languageNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' });
  } catch {
    return null;
  }
})();

function languageName(code) {
  try {
    const name = languageNames?.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return String(code);
  }
}

function formatScore(score) {
  const text = Math.abs(score).toFixed(2);
  if (score > 0) return `+${text}`;
  return score < 0 ? `−${text}` : text;
}

function formatDuration(ms) {
  return ms < 1 ? 'under 1 ms' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function showNotice(...parts) {
  ui.notice.replaceChildren(...parts);
  ui.notice.hidden = false;
}

function hideNotice() {
  ui.notice.hidden = true;
  ui.notice.replaceChildren();
}

function announce(message) {
  // Clearing first makes a repeated, identical message be read again.
  ui.announcer.textContent = '';
  requestAnimationFrame(() => { ui.announcer.textContent = message; });
}

// ---------------------------------------------------------------------------
// Wiring

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  run();
});

ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run();
  }
});

ui.sample.addEventListener('click', () => {
  ui.input.value = SAMPLE_REVIEWS.map((review) => JSON.stringify(review)).join('\n');
  ui.fileName.hidden = true;
  ui.input.focus();
});

ui.clear.addEventListener('click', () => {
  ui.input.value = '';
  ui.file.value = '';
  ui.fileName.hidden = true;
  ui.results.hidden = true;
  ui.list.replaceChildren();
  hideNotice();
  ui.input.focus();
});

ui.file.addEventListener('change', async () => {
  const file = ui.file.files?.[0];
  if (file === undefined) return;
  try {
    ui.input.value = await file.text();
  } catch (error) {
    showNotice(`${file.name} could not be read: ${error.message}`);
    return;
  }
  ui.fileName.textContent = `Loaded ${file.name}`;
  ui.fileName.hidden = false;
  ui.file.value = ''; // choosing the same file again still triggers a change
  run();
});

ui.more.addEventListener('click', () => {
  const next = ui.list.children.length;
  showMore();
  ui.list.children[next]?.querySelector('h3')?.focus();
});

// One set of listeners for every chip, present and future.
ui.list.addEventListener('click', (event) => {
  const target = event.target.closest('.chip');
  if (target === null) return;
  target.setAttribute('aria-pressed', String(target.getAttribute('aria-pressed') !== 'true'));
  refreshHighlights(target.closest('article'));
});
for (const [type, on] of [['pointerover', true], ['pointerout', false], ['focusin', true], ['focusout', false]]) {
  ui.list.addEventListener(type, (event) => {
    const target = event.target.closest('.chip');
    if (target === null) return;
    // Moving between a chip's own children is not leaving it.
    if (type.startsWith('pointer') && target.contains(event.relatedTarget)) return;
    target.classList.toggle('is-previewing', on);
    refreshHighlights(target.closest('article'));
  });
}
