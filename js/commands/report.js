// `reviewloop report FILE`
import { stat, writeFile } from 'node:fs/promises';

import { createReport, init } from '../index.js';
import { EXIT_OK, EXIT_REFUSED, UsageError, oneFile, openInput, write } from '../lib/command.js';
import { streamRecords, usesOurFieldNames } from '../lib/records.js';
import { toHtmlPage, toText } from '../lib/report-view.js';

/** Records handed to the core at once. */
const BATCH_SIZE = 2048;
/** Reader messages kept for the notes (the rest are counted). */
const PROBLEMS_KEPT = 5;
/** A progress bar is worth drawing past this many bytes. */
const LONG_FILE = 4 * 1024 * 1024;

/** Fields of a `reviewloop classify` line merged into its review. */
const CLASSIFICATION_FIELDS = ['sentiment', 'categories', 'risks', 'priority', 'needsReply'];

/**
 * The record as the core reads it: a classification merged in at the top
 * level (`{ ...review, ...classification }`) moves under `classification`.
 */
function asReportRecord(review) {
  const merged = review.classification === undefined && typeof review.sentiment === 'object' && review.sentiment !== null;
  const record = { ...review };
  if (merged) record.classification = {};
  for (const field of CLASSIFICATION_FIELDS) {
    if (merged && field in record) record.classification[field] = record[field];
    delete record[field];
  }
  return record;
}

/** Progress on stderr: a bar when the size is known, a count otherwise; redrawn at most 5 times a second. */
class Progress {
  constructor(total) {
    this.total = total;
    this.bytes = 0;
    this.records = 0;
    this.shown = 0;
    this.started = Date.now();
  }

  update(force = false) {
    const now = Date.now();
    if (!force && now - this.shown < 200) return;
    this.shown = now;
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = `${Math.round(this.records / seconds).toLocaleString('en-US')} reviews/s`;
    let line = `${this.records.toLocaleString('en-US')} reviews, ${rate}`;
    if (this.total) {
      const share = Math.min(1, this.bytes / this.total);
      const filled = Math.round(share * 30);
      line = `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${line}`;
    }
    process.stderr.write(`\r${line}\u001b[K`);
  }

  done() {
    this.update(true);
    process.stderr.write('\n');
  }
}

/** Counts the bytes of a stream as they pass. */
async function* counted(stream, progress) {
  for await (const chunk of stream) {
    if (progress) progress.bytes += chunk.length;
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}

/** Bytes handed to the core at once on the JSON Lines path. */
const JSON_BATCH_BYTES = 1 << 20;
/** A line longer than this is refused, as records.js refuses it. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const NEWLINE = 10;

/**
 * Looks at the start of the input: JSON Lines whose first object uses our
 * field names go to the core as bytes (fast); anything else goes through
 * records.js. Returns the chunks read so far (to be read again) and the choice.
 */
async function peek(chunks, info) {
  const seen = [];
  let head = Buffer.alloc(0);
  for (;;) {
    const { value, done } = await chunks.next();
    if (done) break;
    seen.push(value);
    head = Buffer.concat([head, value]);
    const text = head.toString('utf8').replace(/^\uFEFF/, '');
    const first = text.search(/\S/);
    if (first === -1) continue;
    if (text[first] !== '{') break;
    const end = text.indexOf('\n', first);
    if (end === -1 && head.length < MAX_LINE_BYTES) continue;
    try {
      const object = JSON.parse(text.slice(first, end === -1 ? undefined : end));
      const keys = Object.keys(object);
      if (usesOurFieldNames(keys, info)) {
        info.format = 'jsonl';
        return { seen, fast: true };
      }
    } catch {
      // Not JSON after all: records.js says what is wrong with it.
    }
    break;
  }
  for (const key of Object.keys(info)) delete info[key]; // records.js fills it in afresh
  return { seen, fast: false };
}

async function* replay(seen, chunks) {
  yield* seen;
  for (;;) {
    const { value, done } = await chunks.next();
    if (done) return;
    yield value;
  }
}

/** Feeds JSON Lines bytes to the core in batches of whole lines; calls `refused` for each line not counted. */
async function readJsonLines(chunks, report, progress, refused) {
  let pending = [];
  let pendingBytes = 0;
  let line = 1;
  let skippingLongLine = false;
  const send = (bytes, cut) => {
    for (const e of report.addJsonLines(bytes, line, cut)) refused(e.line, e.error);
    if (progress) {
      for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) progress.records += 1;
      progress.update();
    }
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) line += 1;
  };
  for await (const chunk of chunks) {
    let piece = chunk;
    if (skippingLongLine) {
      const nl = piece.indexOf(NEWLINE);
      if (nl === -1) continue;
      piece = piece.subarray(nl + 1);
      line += 1;
      skippingLongLine = false;
    }
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes < JSON_BATCH_BYTES) continue;
    const joined = Buffer.concat(pending, pendingBytes);
    const nl = joined.lastIndexOf(NEWLINE);
    if (nl === -1) {
      if (joined.length > MAX_LINE_BYTES) {
        report.skip('unreadable', `line ${line}`);
        refused(line, `Line ${line} is longer than ${MAX_LINE_BYTES >> 20} MB: put one review a line.`);
        pending = [];
        pendingBytes = 0;
        skippingLongLine = true;
      } else {
        pending = [joined];
      }
      continue;
    }
    send(joined.subarray(0, nl + 1), false);
    const rest = joined.subarray(nl + 1);
    pending = rest.length ? [rest] : [];
    pendingBytes = rest.length;
  }
  if (pendingBytes > 0) {
    const joined = Buffer.concat(pending, pendingBytes);
    const endsWithNewline = joined[joined.length - 1] === NEWLINE;
    send(joined, !endsWithNewline);
  }
}

function positiveNumber(name, value, integer = false) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} takes a positive ${integer ? 'whole ' : ''}number, not "${value}".`);
  }
  return n;
}

export default {
  args: 'FILE',
  summary: 'a triage report: root causes by product, SKU, carrier…, recurring issues, spikes, urgent reviews, recovery',
  help: `Reads a review export (JSON Lines, our own; or CSV, including Judge.me, Shopify
Product Reviews, Yotpo and Trustpilot exports, recognised by their headers) and
prints a report: volumes, root causes by product / SKU / carrier / region /
warehouse / campaign / segment, recurring issues, spikes against each item's own
baseline, what to fix first, the urgent list and the recovery figures. Lines
that already carry a classification (a "classification" object, or a line of
"reviewloop classify" output merged into its review) are not classified again,
which is much faster. What was skipped, and why, closes the report.

Options:
  --html FILE       also write the report as one self-contained HTML file with charts
  --json            print the report as JSON instead of text
  --progress        show progress on stderr even when it is not a terminal
  --window DAYS     days a recurring issue is counted over (default 14)
  --min-reviews N   reviews in the window that make an issue recurring (default 3)
  --target HOURS    response target for recovery cases (default 24)
  --as-of DATE      "now" for windows and open cases (default: the latest date in FILE)
  --top N           entries per ranked list (default 10)

Exit status: 0, or 1 when some records could not be read (the report still
covers the rest), or 2 when the file cannot be read or an option is wrong.`,
  options: {
    html: { type: 'string' },
    json: { type: 'boolean' },
    progress: { type: 'boolean' },
    window: { type: 'string' },
    'min-reviews': { type: 'string' },
    target: { type: 'string' },
    'as-of': { type: 'string' },
    top: { type: 'string' },
  },
  async run(values, positionals) {
    const file = oneFile('report', positionals);
    if (file === undefined) throw new UsageError('report needs a FILE (or - for stdin).');
    const options = {
      windowDays: positiveNumber('window', values.window, true),
      minReviews: positiveNumber('min-reviews', values['min-reviews'], true),
      responseTargetHours: positiveNumber('target', values.target),
      asOf: values['as-of'],
      top: positiveNumber('top', values.top, true),
    };
    await init();
    let report;
    try {
      report = createReport(options);
    } catch (error) {
      throw new UsageError(error.message);
    }
    const input = await openInput(file);
    const size = file === '-' ? 0 : (await stat(file)).size;
    const show = values.progress || (process.stderr.isTTY && (size === 0 || size > LONG_FILE));
    const progress = show ? new Progress(size) : null;
    const info = {};
    const problems = [];
    let problemCount = 0;
    let status = EXIT_OK;
    const refused = (where, error) => {
      status = EXIT_REFUSED;
      problemCount += 1;
      if (problems.length < PROBLEMS_KEPT) problems.push(error);
      return where;
    };

    try {
      const chunks = counted(input, progress);
      const { seen, fast } = await peek(chunks, info);
      if (fast) {
        await readJsonLines(replay(seen, chunks), report, progress, refused);
      } else {
        let batch = [];
        const flush = () => {
          for (const n of report.add(batch)) refused(n.index, n.error);
          if (progress) {
            progress.records += batch.length;
            progress.update();
          }
          batch = [];
        };
        for await (const record of streamRecords(replay(seen, chunks), info)) {
          if (record.review) {
            batch.push(asReportRecord(record.review));
            if (batch.length === BATCH_SIZE) flush();
          } else {
            report.skip(record.cutOff ? 'cutOff' : 'unreadable', `line ${record.line}`);
            refused(record.line, record.error);
          }
        }
        if (batch.length) flush();
      }
      progress?.done();
      if (problemCount > problems.length) problems.push(`…and ${problemCount - problems.length} more records that could not be read.`);
      const summary = report.summary();
      const meta = { source: file === '-' ? 'stdin' : file, app: info.app ?? null, unread: [...(info.unread ?? [])], problems };
      if (values.html) await writeFile(values.html, toHtmlPage(summary, meta));
      await write(values.json ? `${JSON.stringify({ ...summary, input: { format: info.format ?? null, app: meta.app, unread: meta.unread, problems } })}\n` : toText(summary, meta));
    } finally {
      report.close();
    }
    return status;
  },
};
