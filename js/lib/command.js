// What every command shares: exit statuses, usage errors, reading FILE or
// stdin, writing to stdout with back-pressure, and the batched record loop.
import { once } from 'node:events';
import { open } from 'node:fs/promises';

import { streamRecords } from './records.js';

/** Exit statuses: every record done, some records refused, the run could not start. */
export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** Records sent to the core at once: large enough to amortise the call, small enough to stream. */
export const BATCH_SIZE = 512;

/** A mistake in how the tool was called: reported in one line, with exit status 2. */
export class UsageError extends Error {}

/** FILE, or stdin when FILE is `-` or absent; a file that cannot be read is a usage error. */
export async function openInput(file) {
  if (file === undefined || file === '-') {
    if (process.stdin.isTTY) process.stderr.write('reviewloop: reading reviews from stdin (end with Ctrl-D)\n');
    return process.stdin;
  }
  let handle;
  try {
    handle = await open(file);
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
  } catch (error) {
    await handle?.close();
    const why = error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'it is a directory' : error.message;
    throw new UsageError(`cannot read ${file}: ${why}.`);
  }
  return handle.createReadStream({ highWaterMark: 1 << 16 });
}

/** Writes to stdout, waiting whenever the reader falls behind. */
export async function write(text) {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** A record's id as text, when it has one. */
function idOf(review) {
  return review?.id == null ? null : String(review.id);
}

/**
 * Runs the command over the records of FILE (or stdin) in batches and writes
 * one JSON line per record, in input order. Either `each(review)` returns
 * the result for one review (a throw refuses that review alone), or
 * `batch(reviews)` returns one result per review, a refusal being
 * `{ id, error }` in its place. A refused review, or a record that could not
 * be read, is written as `{ id, error, line }`.
 * @param {string | undefined} file
 * @param {{ each?: (review: object) => object, batch?: (reviews: object[]) => object[] }} handle
 * @returns {Promise<number>} EXIT_OK, or EXIT_REFUSED when any record failed
 */
export async function eachRecord(file, { each, batch: many }) {
  const input = await openInput(file);
  let status = EXIT_OK;
  let batch = [];
  const one = (review) => {
    try {
      return each(review);
    } catch (error) {
      return { id: idOf(review), error: error.message };
    }
  };

  const flush = async () => {
    const reviews = batch.filter((r) => r.review).map((r) => r.review);
    const results = many ? many(reviews) : reviews.map(one);
    let next = 0;
    const lines = batch.map((record) => {
      const result = record.review ? results[next++] : record;
      if (!('error' in result)) return JSON.stringify(result);
      status = EXIT_REFUSED;
      return JSON.stringify({ id: result.id, error: result.error, line: record.line });
    });
    batch = [];
    await write(`${lines.join('\n')}\n`);
  };

  for await (const record of streamRecords(input)) {
    batch.push(record);
    if (batch.length === BATCH_SIZE) await flush();
  }
  if (batch.length > 0) await flush();
  return status;
}

/** Refuses more than one FILE argument. */
export function oneFile(command, positionals) {
  if (positionals.length > 1) {
    throw new UsageError(`${command} reads one FILE (or stdin), not ${positionals.length}: ${positionals.join(' ')}.`);
  }
  return positionals[0];
}
