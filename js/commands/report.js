// `reviewloop report FILE`
import { stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';

import { createReport, init } from '../index.js';
import { ClassifyPool } from '../lib/classify-pool.js';
import { EXIT_OK, EXIT_REFUSED, UsageError, oneFile, openInput, write } from '../lib/command.js';
import { streamRecords, usesOurFieldNames } from '../lib/records.js';
import { toHtmlPage, toText } from '../lib/report-view.js';

/** Records handed to the core at once on the CSV path; to a classifying thread, fewer, so threads share the work evenly. */
const BATCH_SIZE = 2048;
const THREAD_BATCH_SIZE = 256;
/** Reader messages kept for the notes (the rest are counted). */
const PROBLEMS_KEPT = 5;
/** A progress bar is worth drawing past this many bytes. */
const LONG_FILE = 4 * 1024 * 1024;
/**
 * Below this many bytes (about 10,000 reviews), starting threads costs more
 * than it saves: each wasm instance spends about a second warming up
 * (the classifier's tables, then V8 optimising the hot code).
 */
const WORTH_THREADS = 4 * 1024 * 1024;
/** Batches in flight per classifying thread: enough that a thread never waits on a busy main thread. */
const IN_FLIGHT_PER_THREAD = 4;

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
    if (this.total) this.bytes = this.total;
    this.update(true);
    process.stderr.write('\n');
  }
}

/** Counts the bytes of a stream as they pass (`meter.read`). */
async function* counted(stream, meter) {
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    meter.read += bytes.length;
    yield bytes;
  }
}

/** Bytes handed to the core at once on the JSON Lines path; to a classifying thread, fewer. */
const JSON_BATCH_BYTES = 1 << 20;
const THREAD_JSON_BATCH_BYTES = 64 * 1024;
/** A line longer than this is refused, as records.js refuses it. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const NEWLINE = 10;

/**
 * Whether a record carries its classification, in either form the core
 * reads (src/patterns/record.rs). Only decides whether threads are worth
 * starting; the core decides for each record.
 */
function carriesClassification(record) {
  const isObject = (v) => typeof v === 'object' && v !== null;
  return isObject(record.classification) || (isObject(record.sentiment) && record.priority != null);
}

/**
 * Looks at the start of the input: JSON Lines whose first object uses our
 * field names go to the core as bytes (fast); anything else goes through
 * records.js. Returns the chunks read so far (to be read again), the choice,
 * and whether the first record is already classified.
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
        return { seen, fast: true, classified: carriesClassification(object) };
      }
    } catch {
      // Not JSON after all: records.js says what is wrong with it.
    }
    break;
  }
  for (const key of Object.keys(info)) delete info[key]; // records.js fills it in afresh
  return { seen, fast: false, classified: false };
}

async function* replay(seen, chunks) {
  yield* seen;
  for (;;) {
    const { value, done } = await chunks.next();
    if (done) return;
    yield value;
  }
}

function newlines(bytes) {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) n += 1;
  return n;
}

/**
 * Counts batches of JSON Lines in input order. With a pool, batches are
 * classified in its threads while the next ones are read, and counted as
 * they come back, in the order they were read; a batch a thread could not
 * do is classified here instead. Progress moves as batches are counted.
 */
class Counter {
  constructor(report, pool, progress, refused) {
    Object.assign(this, { report, pool, progress, refused, queue: [] });
  }

  /**
   * @param {Uint8Array} bytes whole lines
   * @param {{ firstLine: number, cut: boolean, records: number, position: number, lines?: number[] }} batch
   *   `lines`: the input line of each record, when the bytes are records made from another format
   */
  async add(bytes, batch) {
    if (!this.pool?.size) {
      await this.finish(); // (every thread lost: what is still out is counted first)
      this.count(bytes, batch);
      return;
    }
    const classified = this.pool.classify(bytes).catch(() => bytes);
    this.queue.push({ classified, batch });
    while (this.queue.length >= this.pool.size * IN_FLIGHT_PER_THREAD) await this.next();
  }

  async next() {
    const { classified, batch } = this.queue.shift();
    this.count(await classified, batch);
  }

  async finish() {
    while (this.queue.length > 0) await this.next();
  }

  count(bytes, { firstLine, cut, records, position, lines }) {
    for (const e of this.report.addJsonLines(bytes, firstLine, cut)) {
      if (lines === undefined) {
        this.refused(e.line, e.error);
      } else {
        // The core numbered the records of this batch from 1: say the input's line instead.
        const line = lines[e.line - 1];
        this.refused(line, `Line ${line}: ${e.error.slice(`Line ${e.line}: `.length)}`);
      }
    }
    if (this.progress) {
      this.progress.records += records;
      this.progress.bytes = position;
      this.progress.update();
    }
  }
}

/** Cuts JSON Lines bytes into batches of whole lines for `counter`. */
async function readJsonLines(chunks, report, counter, refused) {
  const batchBytes = counter.pool ? THREAD_JSON_BATCH_BYTES : JSON_BATCH_BYTES;
  let pending = [];
  let pendingBytes = 0;
  let line = 1;
  let position = 0;
  let skippingLongLine = false;
  const send = async (bytes, cut) => {
    const lines = newlines(bytes);
    position += bytes.length;
    await counter.add(bytes, { firstLine: line, cut, records: lines + (cut ? 1 : 0), position });
    line += lines;
  };
  for await (const chunk of chunks) {
    let piece = chunk;
    if (skippingLongLine) {
      const nl = piece.indexOf(NEWLINE);
      position += nl === -1 ? piece.length : nl + 1;
      if (nl === -1) continue;
      piece = piece.subarray(nl + 1);
      line += 1;
      skippingLongLine = false;
    }
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes < batchBytes) continue;
    const joined = Buffer.concat(pending, pendingBytes);
    const nl = joined.lastIndexOf(NEWLINE);
    if (nl === -1) {
      if (joined.length > MAX_LINE_BYTES) {
        await counter.finish(); // so the skip is noted in its place
        report.skip('unreadable', `line ${line}`);
        refused(line, `Line ${line} is longer than ${MAX_LINE_BYTES >> 20} MB: put one review a line.`);
        position += joined.length;
        pending = [];
        pendingBytes = 0;
        skippingLongLine = true;
      } else {
        pending = [joined];
      }
      continue;
    }
    // A copy: the rest of `joined` stays here while the batch may go to another thread.
    await send(Uint8Array.prototype.slice.call(joined, 0, nl + 1), false);
    const rest = joined.subarray(nl + 1);
    pending = rest.length ? [rest] : [];
    pendingBytes = rest.length;
  }
  if (pendingBytes > 0) {
    const joined = Buffer.concat(pending, pendingBytes);
    const endsWithNewline = joined[joined.length - 1] === NEWLINE;
    await send(joined, !endsWithNewline);
  }
}

/** Reads CSV (and JSON Lines in other field names) with records.js; batches go to `counter` as JSON Lines. */
async function readRecords(chunks, info, report, counter, refused, meter) {
  const encoder = new TextEncoder();
  const batchSize = counter.pool ? THREAD_BATCH_SIZE : BATCH_SIZE;
  let batch = [];
  const flush = async () => {
    const bytes = encoder.encode(batch.map((r) => JSON.stringify(r.review)).join('\n'));
    await counter.add(bytes, { firstLine: 1, cut: false, records: batch.length, position: meter.read, lines: batch.map((r) => r.line) });
    batch = [];
  };
  for await (const record of streamRecords(chunks, info)) {
    if (record.review) {
      batch.push(record);
      if (batch.length === batchSize) await flush();
    } else {
      if (batch.length) await flush();
      await counter.finish(); // so skips are noted in input order
      report.skip(record.cutOff ? 'cutOff' : 'unreadable', `line ${record.line}`);
      refused(record.line, record.error);
    }
  }
  if (batch.length) await flush();
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
  --threads N       threads that classify reviews without a classification
                    (default: one per CPU core when the input is over 4 MB;
                    1 classifies on the main thread)

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
    threads: { type: 'string' },
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
    const threads = positiveNumber('threads', values.threads, true);
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

    let pool = null;
    try {
      const meter = { read: 0 };
      const chunks = counted(input, meter);
      const { seen, fast, classified } = await peek(chunks, info);
      // Threads pay off on input that needs classifying and is not small; --threads decides when given.
      const wanted = threads ?? (classified || (size > 0 && size < WORTH_THREADS) ? 1 : availableParallelism());
      if (wanted > 1) pool = await ClassifyPool.start(wanted);
      const counter = new Counter(report, pool, progress, refused);
      if (fast) {
        await readJsonLines(replay(seen, chunks), report, counter, refused);
      } else {
        await readRecords(replay(seen, chunks), info, report, counter, refused, meter);
      }
      await counter.finish();
      progress?.done();
      if (problemCount > problems.length) problems.push(`…and ${problemCount - problems.length} more records that could not be read.`);
      const summary = report.summary();
      const meta = { source: file === '-' ? 'stdin' : file, app: info.app ?? null, unread: [...(info.unread ?? [])], problems };
      if (values.html) await writeFile(values.html, toHtmlPage(summary, meta));
      await write(values.json ? `${JSON.stringify({ ...summary, input: { format: info.format ?? null, app: meta.app, unread: meta.unread, problems } })}\n` : toText(summary, meta));
    } finally {
      await pool?.close();
      report.close();
    }
    return status;
  },
};
