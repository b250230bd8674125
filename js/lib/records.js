// Review exports (JSONL or CSV with a header) read into review objects, for the
// CLI and the demo. Incremental, so a 1 GB export is read in constant memory.
import { REVIEW_APPS } from './review-apps.js';

/**
 * A review read from an export, with the 1-based line where its record starts.
 * @typedef {{ line: number, review: import('../index.d.ts').Review }} ReviewRecord
 */

/**
 * A record that could not be read, with its id when one could be found;
 * `cutOff` when the input ends inside it.
 * @typedef {{ line: number, id: string | null, error: string, cutOff?: true }} RecordError
 */

/**
 * What the reader learnt about the input, filled in as it reads: the format,
 * the review app whose export layout the CSV header matches, and the columns
 * (or JSON fields) it did not read.
 * @typedef {{ format?: 'csv' | 'jsonl', app?: string | null, unread?: Set<string> }} InputInfo
 */

/**
 * Review fields and the column names review apps export them under, written
 * as matched: lower case, without spaces, underscores or dashes.
 */
const ALIASES = {
  text: ['text', 'body', 'review', 'reviewtext', 'content', 'comment'],
  title: ['title', 'summary', 'reviewtitle', 'headline'],
  rating: ['rating', 'stars', 'score', 'reviewrating'],
  id: ['id', 'reviewid'],
  product: ['product'],
  sku: ['sku'],
  variant: ['variant'],
  carrier: ['carrier'],
  region: ['region'],
  warehouse: ['warehouse'],
  createdAt: ['createdat', 'date', 'created', 'reviewdate'],
  author: ['author', 'name', 'reviewername'],
  platform: ['platform'],
  language: ['language'],
  // What reports group by, weigh and time (js/commands/report.js, summarize()).
  campaign: ['campaign', 'utmcampaign'],
  segment: ['segment', 'customersegment'],
  kind: ['kind'],
  orderValue: ['ordervalue', 'ordertotal'],
  repliedAt: ['repliedat', 'replydate'],
  contactedAt: ['contactedat'],
  resolvedAt: ['resolvedat'],
  followedUpAt: ['followedupat'],
  closedAt: ['closedat'],
  classification: ['classification'],
  // A line of `reviewloop classify` output merged into its review.
  sentiment: ['sentiment'],
  categories: ['categories'],
  risks: ['risks'],
  priority: ['priority'],
  needsReply: ['needsreply'],
};

/** Unread columns remembered per input, so a hostile file cannot grow the set without end. */
const MAX_UNREAD = 100;

/** The review apps with their names normalised once. */
const APPS = REVIEW_APPS.map(({ app, signature, columns }) => ({
  app,
  signature: signature.map(normalizeName),
  columns: Object.entries(columns).map(([name, field]) => [normalizeName(name), field]),
}));

/** Past this many UTF-16 units a record is refused, so a runaway quote cannot exhaust memory. */
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;

/** `Review Text`, `review_text` and `REVIEW-TEXT` are one name. */
function normalizeName(name) {
  return String(name).toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * For each review field, where to read it: in a review app's export, that
 * app's column; otherwise the first alias present, in the order of `ALIASES`.
 * Names no field reads go into `info.unread`.
 */
function fieldMap(names, info) {
  const normalized = names.map(normalizeName);
  const app = APPS.find((a) => a.signature.every((name) => normalized.includes(name)));
  const map = [];
  if (app) {
    for (const [name, field] of app.columns) {
      const at = normalized.indexOf(name);
      if (at !== -1 && !map.some(([f]) => f === field)) map.push([field, at]);
    }
  }
  if (info && info.app === undefined) info.app = app?.app ?? null;
  for (const [field, aliases] of Object.entries(ALIASES)) {
    if (map.some(([f]) => f === field)) continue;
    for (const alias of aliases) {
      const at = normalized.indexOf(alias);
      if (at !== -1) {
        map.push([field, at]);
        break;
      }
    }
  }
  if (info) {
    info.unread ??= new Set();
    names.forEach((name, at) => {
      if (info.unread.size < MAX_UNREAD && !map.some(([, i]) => i === at) && String(name).trim() !== '') info.unread.add(String(name));
    });
  }
  return map;
}

/** Star ratings as exports write them: 4, "4", "4.5", "4,5". */
function readRating(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*[+-]?\d+(?:[.,]\d+)?\s*$/.test(value)) {
    return Number(value.trim().replace(',', '.'));
  }
  return undefined;
}

function idOf(value) {
  return value === undefined || value === null || value === '' ? null : String(value);
}

/**
 * Builds a review from named values (a CSV row or a JSON object). Empty CSV
 * cells are left out; the text is kept even when empty, so the classifier can
 * say what is wrong with it.
 * @returns {ReviewRecord | RecordError}
 */
function toRecord(line, get, map, fromCsv) {
  const idAt = map.find(([field]) => field === 'id');
  const id = idOf(idAt && get(idAt[1]));
  const review = {};
  for (const [field, key] of map) {
    const value = get(key);
    if (value === undefined || (fromCsv && value === '' && field !== 'text')) continue;
    if (field === 'rating' && value !== null) {
      const rating = readRating(value);
      if (rating === undefined) {
        return {
          line,
          id,
          error: `The rating ${JSON.stringify(value)} on line ${line} is not a number: give stars as a number from 1 to 5, or leave the rating empty.`,
        };
      }
      review.rating = rating;
    } else {
      review[field] = value;
    }
  }
  return { line, review };
}

/**
 * One review from a JSON object named the way review apps name fields
 * (`body`, `stars`, …), as a webhook pushes it.
 * @param {unknown} value
 * @returns {{ review: import('../index.d.ts').Review } | { id: string | null, error: string }}
 */
export function reviewFromObject(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { id: null, error: `A review must be an object like {"id": "1", "text": "…"}, not ${kind}.` };
  }
  const keys = Object.keys(value);
  const record = toRecord(1, (i) => value[keys[i]], fieldMap(keys), false);
  return record.error === undefined ? { review: record.review } : { id: record.id, error: record.error.replace(' on line 1', '') };
}

/**
 * True when the JSON object keys already use our field names (`text`, not
 * `body`): such JSON Lines can go to the core as they are. Keys no field
 * reads go into `info.unread`.
 * @param {string[]} keys
 * @param {InputInfo} [info]
 */
export function usesOurFieldNames(keys, info) {
  const map = fieldMap(keys, info);
  return map.some(([field]) => field === 'text' || field === 'classification' || field === 'sentiment') && map.every(([field, at]) => keys[at] === field);
}

/** JSON Lines: one review object a line; blank lines are skipped. */
class JsonLinesReader {
  constructor(info) {
    this.info = info;
    this.line = 1; // line of the text held in `pending`
    this.pending = '';
    this.overflow = false;
  }

  feed(text, out) {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.append(text.slice(from, nl));
      this.endLine(out);
      from = nl + 1;
    }
    this.append(text.slice(from));
  }

  finish(out) {
    const before = out.length;
    this.endLine(out);
    // Broken JSON after the last line break: the file was cut mid-line.
    const last = out[before];
    if (last && this.brokenJson) {
      last.cutOff = true;
      last.error = `${last.error} The file ends on this line without a line break: it looks cut off.`;
    }
  }

  append(piece) {
    if (this.overflow) return;
    if (this.pending.length + piece.length > MAX_RECORD_CHARS) {
      this.overflow = true;
      this.pending = '';
    } else {
      this.pending += piece;
    }
  }

  endLine(out) {
    const line = this.line;
    const text = this.pending.trim();
    this.brokenJson = false;
    const overflow = this.overflow;
    this.line += 1;
    this.pending = '';
    this.overflow = false;
    if (overflow) {
      out.push({ line, id: null, error: `Line ${line} is longer than ${MAX_RECORD_CHARS / 1048576} MB: put one review a line.` });
      return;
    }
    if (text === '') return;
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.brokenJson = true;
      out.push({ line, id: idInBrokenJson(text), error: `Line ${line} is not valid JSON (${error.message}): write one review object a line.` });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      out.push({ line, id: null, error: `Line ${line} is ${kind}, not a review: write one object like {"id": "1", "text": "…"} a line.` });
      return;
    }
    const keys = Object.keys(value);
    out.push(toRecord(line, (i) => value[keys[i]], fieldMap(keys, this.info), false));
  }
}

/** The id of a line that is not valid JSON, when it is plain to see, to help find the line. */
function idInBrokenJson(text) {
  const found = /"id"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+))/.exec(text);
  return found ? (found[1] ?? found[2]) : null;
}

/**
 * CSV as RFC 4180 describes it (quoted fields, doubled quotes, line breaks in
 * quotes, CRLF), with a header row. Also accepted: bare CR line ends, blank
 * lines (skipped) and text after a closing quote (kept).
 */
class CsvReader {
  constructor(info) {
    this.info = info;
    this.line = 1; // line of the next character
    this.afterCR = false;
    this.recordLine = 0;
    this.started = false; // the current record has a character that is not a line break
    this.quoted = false; // inside a quoted field
    this.quoteSeen = false; // a quote inside a quoted field: closes it, or doubles
    this.fieldWasQuoted = false;
    this.fields = [];
    this.field = '';
    this.chars = 0;
    this.overflow = false;
    this.header = null;
    this.map = null;
    this.done = false; // the header had no text column: nothing more to read
  }

  feed(text, out) {
    if (this.done) return;
    let segment = 0; // start of the current field's text not yet in `this.field`
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) {
        if (!this.afterCR) this.line += 1;
        this.afterCR = false;
      } else if (c === CR) {
        this.line += 1;
        this.afterCR = true;
      } else {
        this.afterCR = false;
        if (!this.started) {
          this.started = true;
          this.recordLine = this.line;
        }
      }
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === QUOTE) {
            segment = i; // a doubled quote stands for one quote
            continue;
          }
          this.quoted = false; // the quote closed the field; read `c` below
          segment = i;
        } else {
          if (c === QUOTE) {
            this.take(text.slice(segment, i));
            this.quoteSeen = true;
          }
          continue;
        }
      }
      if (c === COMMA) {
        this.take(text.slice(segment, i));
        this.endField();
        segment = i + 1;
      } else if (c === LF || c === CR) {
        if (this.started) {
          this.take(text.slice(segment, i));
          this.endField();
          this.endRecord(out);
          if (this.done) return;
        }
        segment = i + 1;
      } else if (c === QUOTE && this.field === '' && segment === i) {
        this.quoted = true;
        this.fieldWasQuoted = true;
        segment = i + 1;
      }
    }
    if (!this.quoteSeen) this.take(text.slice(segment));
  }

  finish(out) {
    if (this.done || !this.started) return;
    if (this.quoted && !this.quoteSeen) {
      this.endField();
      const idAt = this.map?.find(([field]) => field === 'id');
      out.push({
        line: this.recordLine,
        id: idOf(idAt && this.fields[idAt[1]]),
        error: `The quoted field opened in the record on line ${this.recordLine} never closes: end it with a quote (and double any quote inside it).`,
        cutOff: true,
      });
      return;
    }
    this.endField();
    if (this.header !== null && this.fields.length < this.header.length) {
      // The last record stops short of its columns and of a line break: the file was cut.
      const idAt = this.map?.find(([field]) => field === 'id');
      const line = this.recordLine;
      out.push({
        line,
        id: idOf(idAt && this.fields[idAt[1]]),
        error: `The last record (line ${line}) has ${this.fields.length} of the header's ${this.header.length} columns and the file ends there: it looks cut off, so it was left out.`,
        cutOff: true,
      });
      return;
    }
    this.endRecord(out);
  }

  take(piece) {
    if (this.overflow || piece === '') return;
    this.chars += piece.length;
    if (this.chars > MAX_RECORD_CHARS) {
      this.overflow = true;
      this.fields = [];
      this.field = '';
    } else {
      this.field += piece;
    }
  }

  endField() {
    this.quoted = false;
    this.quoteSeen = false;
    if (!this.overflow) this.fields.push(this.field);
    this.field = '';
  }

  endRecord(out) {
    const { fields, recordLine: line, overflow } = this;
    const blank = fields.length === 1 && !this.fieldWasQuoted && fields[0].trim() === '';
    this.fields = [];
    this.started = false;
    this.fieldWasQuoted = false;
    this.chars = 0;
    this.overflow = false;
    if (overflow) {
      out.push({ line, id: null, error: `The record on line ${line} is longer than ${MAX_RECORD_CHARS / 1048576} MB: check for a quote that never closes.` });
      return;
    }
    if (blank) return;
    if (this.header === null) {
      this.header = fields;
      this.map = fieldMap(fields, this.info);
      if (!this.map.some(([f]) => f === 'text')) {
        const seen = fields.map((f) => JSON.stringify(f)).join(', ');
        out.push({
          line,
          id: null,
          error: `The CSV has no review text column (its columns are ${seen}): name the column with the review text "text" (or body, review, content, comment).`,
        });
        this.done = true;
      }
      return;
    }
    out.push(toRecord(line, (i) => fields[i], this.map, true));
  }
}

/**
 * Reads the first non-blank character to choose JSONL or CSV, then hands all
 * text (leading blank lines included, for line numbers) to that reader.
 */
class RecordReader {
  constructor(info = {}) {
    this.info = info;
    this.reader = null;
    this.head = ''; // blank text before the first non-blank character
  }

  /** @returns {Array<ReviewRecord | RecordError>} the records completed by this text */
  feed(text) {
    const out = [];
    if (this.reader === null) {
      text = (this.head + text).replace(/^\uFEFF/, '');
      const first = text.search(/\S/);
      if (first === -1) {
        this.head = text;
        return out;
      }
      this.head = '';
      this.info.format = text[first] === '{' ? 'jsonl' : 'csv';
      this.reader = text[first] === '{' ? new JsonLinesReader(this.info) : new CsvReader(this.info);
    }
    this.reader.feed(text, out);
    return out;
  }

  /** True when nothing more can be read (a CSV without a text column). */
  get done() {
    return this.reader?.done === true;
  }

  /** @returns {Array<ReviewRecord | RecordError>} the last record, if the text did not end with a line break */
  finish() {
    const out = [];
    this.reader?.finish(out);
    return out;
  }
}

/**
 * Reads a whole review export held in memory (pasted or uploaded text).
 * The first non-blank character `{` means JSON Lines (one review object a
 * line); anything else is CSV with a header row. Column names are matched
 * case-insensitively, ignoring spaces, underscores and dashes, with the
 * aliases review apps use (`Review Text`, `body`, `stars`…); unknown columns
 * are ignored. A record that cannot be read becomes an error item and reading
 * goes on.
 * @param {string} text
 * @param {InputInfo} [info] filled in with what was learnt about the input
 * @returns {Array<ReviewRecord | RecordError>} in input order; `line` is 1-based
 * @throws {TypeError} when `text` is not a string
 */
export function parseRecords(text, info) {
  if (typeof text !== 'string') {
    throw new TypeError(`parseRecords expects the export's text as a string, not ${text === null ? 'null' : typeof text}.`);
  }
  const reader = new RecordReader(info);
  return [...reader.feed(text), ...reader.finish()];
}

/**
 * Reads a review export incrementally, as `parseRecords` does, holding only
 * the record being read: a 1 GB file streams in constant memory. Bytes are
 * decoded as UTF-8, also when a character is split across chunks.
 * @param {AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>} chunks
 *   e.g. `fs.createReadStream(path)` or `process.stdin`
 * @param {InputInfo} [info] filled in with what was learnt about the input
 * @returns {AsyncGenerator<ReviewRecord | RecordError, void, undefined>}
 */
export async function* streamRecords(chunks, info) {
  const reader = new RecordReader(info);
  const decoder = new TextDecoder('utf-8');
  let decoding = false; // the decoder may hold the first bytes of a character
  for await (const chunk of chunks) {
    let text;
    if (typeof chunk === 'string') {
      text = decoding ? decoder.decode() + chunk : chunk;
      decoding = false;
    } else if (chunk instanceof Uint8Array) {
      text = decoder.decode(chunk, { stream: true });
      decoding = true;
    } else {
      throw new TypeError('streamRecords expects chunks of text or bytes (strings, Buffers or Uint8Arrays).');
    }
    yield* reader.feed(text);
    if (reader.done) return;
  }
  if (decoding) yield* reader.feed(decoder.decode());
  yield* reader.finish();
}
