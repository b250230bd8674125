// A report summary (summarize(), createReport()) read out for people: as
// terminal text, as sections of charts and tables for a page (the demo
// dashboard), and as one self-contained HTML file. One wording for all three.
import { barChart, h, lineChart, toHtml } from './charts.js';

/**
 * Where the summary came from, for the header and the notes.
 * @typedef {{ source?: string, app?: string | null, unread?: string[], problems?: string[] }} ReportMeta
 *   `problems`: messages for records the reader could not read (the first few)
 */

const fmt = (n) => Number(n).toLocaleString('en-US');
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const plural = (n, one, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;
const STATE_WORDS = {
  new: 'new',
  repliedPublicly: 'replied publicly',
  contactedPrivately: 'contacted privately',
  resolved: 'resolved',
  followedUp: 'followed up',
  closed: 'closed',
};

/** Control characters (terminal escapes among them) out of text that came from customers. */
export function plain(text) {
  return String(text ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/** What was skipped or guessed, and why: the same sentences in every view. */
export function notes(summary, meta = {}) {
  const out = [];
  for (const s of summary.skipped) {
    const examples = s.examples.length ? ` (e.g. ${s.examples.map(plain).join(', ')})` : '';
    out.push(`${plural(s.count, 'record')} left out: ${skipWords(s.reason)}${examples}.`);
  }
  for (const problem of meta.problems ?? []) out.push(plain(problem));
  const d = summary.dates;
  if (d.undated) out.push(`${plural(d.undated, 'review')} with no date: counted, but not in trends, windows or recovery times.`);
  if (d.unreadable) {
    out.push(`${plural(d.unreadable, 'date')} we could not read (e.g. ${d.unreadableExamples.map((e) => JSON.stringify(plain(e))).join(', ')}): those reviews count as undated.`);
  }
  if (d.monthFirstGuesses) out.push(`${plural(d.monthFirstGuesses, 'date')} like 3/4/2024 read month first (US order).`);
  for (const dim of summary.capped) out.push(`More distinct ${dim} values than the report keeps: the rest are counted under "(other)".`);
  if (summary.caseProblemCount) {
    out.push(`${plural(summary.caseProblemCount, 'recovery step')} not taken as given:`);
    for (const c of summary.caseProblems) out.push(`  ${plain(c.problem)}`);
  }
  if (meta.unread?.length) out.push(`Columns not read: ${meta.unread.map(plain).join(', ')}.`);
  return out;
}

function skipWords(reason) {
  return (
    {
      duplicateId: 'the same review id appeared earlier, so it was counted once',
      unreadable: 'the record could not be read',
      cutOff: 'the file ends in the middle of a record (cut off?)',
    }[reason] ?? reason
  );
}

function headline(summary, meta) {
  const v = summary.volume;
  const counted = v.reviews + v.answers;
  const from = meta.source ? `${plain(meta.source)}${meta.app ? ` (read as a ${meta.app} export)` : ''}` : 'reviews';
  const period = summary.period.first ? `${summary.period.first} to ${summary.period.last}` : 'no dates in the input';
  const lines = [
    `${from}: ${plural(v.reviews, 'review')}${v.answers ? ` and ${plural(v.answers, 'widget answer')}` : ''}, ${period}.`,
    `${fmt(v.unhappy)} unhappy (${pct(v.unhappy / Math.max(1, counted))}), ${fmt(v.needsReply)} need a reply, ${fmt(v.byPriority.find((p) => p.id === 'urgent')?.reviews ?? 0)} urgent.`,
  ];
  if (v.moneyAtStake !== null) lines.push(`Orders of unhappy customers: ${v.moneyAtStake.toFixed(2)}.`);
  return lines;
}

function recoveryLines(r) {
  if (r.cases === 0) return ['No dated reviews needing action, so no recovery cases.'];
  const states = r.byState.filter((s) => s.cases > 0).map((s) => `${STATE_WORDS[s.state]} ${fmt(s.cases)}`).join(' · ');
  const hours = (x) => (x === null ? 'n/a' : `${fmt(x)} h`);
  const lines = [
    `${plural(r.cases, 'case')}: ${states}.`,
    `Median time to first response ${hours(r.medianFirstResponseHours)} (target ${r.responseTargetHours} h); ${plural(r.breaches, 'breach', 'breaches')}, ${fmt(r.unansweredPastTarget)} of them still unanswered.`,
    `Median time to resolution ${hours(r.medianResolutionHours)}.`,
    r.recoveredShare === null
      ? 'No unhappy customers among the cases.'
      : `Unhappy customers recovered: ${fmt(r.unhappyRecovered)} of ${fmt(r.unhappyCustomers)} (${pct(r.recoveredShare)}).`,
  ];
  if (r.followUpsDue) {
    lines.push(`${plural(r.followUpsDue, 'resolved case')} without a follow-up. A follow-up may say "${r.updateInvitation}" (never with an offer, and not on Amazon).`);
  }
  return lines;
}

function issueLine(issue) {
  return plain(issue.sentence);
}

function pad(text, width) {
  const t = String(text);
  return t.length >= width ? `${t.slice(0, width - 1)}… ` : t.padEnd(width + 1);
}

/** The report as terminal text. */
export function toText(summary, meta = {}) {
  const out = [];
  const section = (title, lines) => {
    if (lines.length === 0) return;
    out.push('', title.toUpperCase(), ...lines.map((l) => `  ${l}`));
  };
  out.push(...headline(summary, meta));
  const v = summary.volume;
  section('Volume', [
    `Stars: ${v.byRating.map((n, i) => `${i + 1}★ ${fmt(n)}`).join('  ')}${v.unrated ? `  unrated ${fmt(v.unrated)}` : ''}`,
    `Sentiment: ${v.bySentiment.map((s) => `${s.id} ${fmt(s.reviews)}`).join(' · ')}`,
    v.risks.length ? `Risk flags: ${v.risks.map((r) => `${r.id} ${fmt(r.reviews)}`).join(' · ')}` : 'Risk flags: none',
  ]);
  section('Fix first', summary.fixFirst.map((i, n) => `${n + 1}. ${issueLine(i)}`));
  section('Spikes', summary.spikes.map((s) => `- ${plain(s.sentence)}`));
  section('Recurring issues', summary.recurring.map((i) => `- ${issueLine(i)}`));
  const maxCause = Math.max(1, ...summary.rootCauses.map((c) => c.reviews));
  section(
    'Root causes',
    summary.rootCauses.map((c) => `${pad(c.about, 24)}${fmt(c.reviews).padStart(8)}  ${pct(c.share).padStart(6)}  ${'█'.repeat(Math.max(1, Math.round((c.reviews / maxCause) * 30)))}`),
  );
  for (const b of summary.breakdowns) {
    section(`By ${b.label} (top ${b.items.length} of ${fmt(b.values)}, most unhappy first)`, [
      `${pad(b.label, 28)}${'reviews'.padStart(8)}${'unhappy'.padStart(9)}${'avg★'.padStart(6)}  top causes`,
      ...b.items.map(
        (i) =>
          `${pad(plain(i.value), 28)}${fmt(i.reviews).padStart(8)}${fmt(i.unhappy).padStart(9)}${(i.averageRating === null ? '-' : i.averageRating.toFixed(1)).padStart(6)}  ${i.causes.map((c) => `${c.about} ${fmt(c.reviews)}`).join(', ')}`,
      ),
    ]);
  }
  section(
    `Urgent (latest ${summary.urgent.length})`,
    summary.urgent.map((u) => `${u.date ?? 'undated'}  ${plain(u.id ?? '(no id)')}  ${plain(u.product ?? '')}  [${u.risks.join(', ') || u.priority}]  "${plain(u.excerpt ?? '')}"`),
  );
  section('Recovery', recoveryLines(summary.recovery));
  section('Skipped and notes', notes(summary, meta));
  return `${out.join('\n')}\n`;
}

function table(head, rows) {
  return h('table', {}, h('thead', {}, h('tr', {}, head.map((c) => h('th', {}, c)))), h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

/** The report as page sections (element trees for charts.js's toHtml / toDom). */
export function sections(summary, meta = {}) {
  const out = [];
  const t = summary.timeline;
  out.push(h('section', { class: 'headline' }, headline(summary, meta).map((l) => h('p', {}, l))));
  if (summary.fixFirst.length) {
    out.push(h('section', {}, h('h2', {}, 'Fix first'), h('ol', {}, summary.fixFirst.map((i) => h('li', {}, issueLine(i))))));
  }
  if (summary.spikes.length) {
    out.push(h('section', {}, h('h2', {}, 'Spikes'), h('ul', {}, summary.spikes.map((s) => h('li', {}, plain(s.sentence))))));
  }
  if (t.weekEnds.length && t.causes.length) {
    const top = [...t.causes].sort((a, b) => b.counts.reduce((x, y) => x + y, 0) - a.counts.reduce((x, y) => x + y, 0)).slice(0, 6);
    out.push(
      h(
        'section',
        {},
        h('h2', {}, 'Root causes over time'),
        h('p', { class: 'note' }, `Complaints per 7 days, to ${t.weekEnds.at(-1)}`),
        lineChart({ title: 'Root causes over time', labels: t.weekEnds, series: top.map((c) => ({ name: c.about, values: c.counts })) }),
      ),
    );
  }
  if (summary.rootCauses.length) {
    out.push(
      h(
        'section',
        {},
        h('h2', {}, 'Root causes'),
        barChart({ title: 'Root causes', rows: summary.rootCauses.map((c) => ({ label: c.about, value: c.reviews, note: pct(c.share) })) }),
      ),
    );
  }
  for (const b of summary.breakdowns) {
    out.push(
      h(
        'section',
        {},
        h('h2', {}, `By ${b.label}`),
        h('p', { class: 'note' }, `Unhappy reviews; top ${b.items.length} of ${fmt(b.values)}`),
        barChart({
          title: `Unhappy reviews by ${b.label}`,
          rows: b.items.map((i) => ({ label: plain(i.value), value: i.unhappy, note: i.causes.map((c) => c.about).join(', ') })),
        }),
      ),
    );
  }
  if (summary.recurring.length) {
    out.push(h('section', {}, h('h2', {}, 'Recurring issues'), h('ul', {}, summary.recurring.map((i) => h('li', {}, issueLine(i))))));
  }
  if (summary.urgent.length) {
    out.push(
      h(
        'section',
        {},
        h('h2', {}, 'Urgent'),
        table(
          ['date', 'review', 'product', 'flags', 'excerpt'],
          summary.urgent.map((u) => [u.date ?? 'undated', plain(u.id ?? ''), plain(u.product ?? ''), u.risks.join(', ') || u.priority, plain(u.excerpt ?? '')]),
        ),
      ),
    );
  }
  const r = summary.recovery;
  out.push(
    h(
      'section',
      {},
      h('h2', {}, 'Recovery'),
      recoveryLines(r).map((l) => h('p', {}, l)),
      r.cases ? barChart({ title: 'Cases by state', rows: r.byState.map((s) => ({ label: STATE_WORDS[s.state], value: s.cases })) }) : null,
    ),
  );
  const n = notes(summary, meta);
  if (n.length) out.push(h('section', {}, h('h2', {}, 'Skipped and notes'), h('ul', {}, n.map((l) => h('li', {}, l)))));
  return out;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
.note{color:#555;font-size:.9em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
svg.chart{max-width:100%;height:auto}`;

/** One self-contained HTML file: inline style and SVG, no scripts, nothing fetched. */
export function toHtmlPage(summary, meta = {}) {
  const title = `Review report${meta.source ? `: ${plain(meta.source)}` : ''}`;
  const page = h(
    'html',
    { lang: 'en' },
    h(
      'head',
      {},
      h('meta', { charset: 'utf-8' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('meta', { 'http-equiv': 'Content-Security-Policy', content: "default-src 'none'; style-src 'unsafe-inline'" }),
      h('title', {}, title),
      h('style', {}, '\u0000STYLE\u0000'),
    ),
    h('body', {}, h('h1', {}, title), sections(summary, meta)),
  );
  // The style is ours (not customer text) and must not be escaped.
  return `<!doctype html>\n${toHtml(page).replace('\u0000STYLE\u0000', STYLE)}\n`;
}
