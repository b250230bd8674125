#!/usr/bin/env node
// reviewloop's command-line tool: the same wasm core as every other surface,
// reading review exports from a file or stdin and writing JSON Lines.
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { classifyBatch, init } from './index.js';
import { streamRecords } from './lib/records.js';

/** Exit statuses: every record done, some records refused, the run could not start. */
const EXIT_OK = 0;
const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;

/** Reviews sent to the core at once: large enough to amortise the call, small enough to stream. */
const BATCH_SIZE = 512;

/** A mistake in how the tool was called: reported in one line, with exit status 2. */
class UsageError extends Error {}

/**
 * The commands, each `run(values, positionals)` resolving to an exit status.
 * `options` are `util.parseArgs` options beyond `--help`.
 */
const COMMANDS = {
  classify: {
    args: '[FILE]',
    summary: 'one JSON classification a line, in input order',
    help: `Reads reviews from FILE, or from stdin when FILE is - or absent: JSON Lines
(one review object a line) or CSV with a header row (a text column is required;
id, rating, title, product, sku… are optional). Writes one JSON classification
a line, in input order, each carrying the review's id. A review that cannot be
read gives {"id", "error", "line"} on its line instead, and the exit status is 1.`,
    options: {},
    run: classifyCommand,
  },
};

function usage() {
  const width = Math.max(...Object.entries(COMMANDS).map(([name, c]) => `${name} ${c.args}`.length));
  const list = Object.entries(COMMANDS)
    .map(([name, c]) => `  ${`${name} ${c.args}`.padEnd(width)}  ${c.summary}`)
    .join('\n');
  return `Usage: reviewloop <command> [options]

Commands:
${list}

Options:
  -h, --help  show this help; after a command, that command's help

Exit status: 0 when every review was read, 1 when some were refused,
2 when the command could not run (unknown command, unreadable file).
`;
}

function commandUsage(name) {
  const command = COMMANDS[name];
  return `Usage: reviewloop ${name} ${command.args}\n\n${command.help}\n`;
}

/** FILE, or stdin when FILE is `-` or absent; a file that cannot be read is a usage error. */
async function openInput(file) {
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
async function write(text) {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** `reviewloop classify [FILE]` */
async function classifyCommand(_values, positionals) {
  if (positionals.length > 1) {
    throw new UsageError(`classify reads one FILE (or stdin), not ${positionals.length}: ${positionals.join(' ')}.`);
  }
  const input = await openInput(positionals[0]);
  await init();
  let status = EXIT_OK;
  let batch = [];

  const flush = async () => {
    const results = classifyBatch(batch.filter((r) => r.review).map((r) => r.review));
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

async function main(argv) {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    await write(usage());
    return EXIT_OK;
  }
  if (name === undefined) {
    process.stderr.write(usage());
    return EXIT_USAGE;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    throw new UsageError(`unknown command "${name}"; the commands are ${Object.keys(COMMANDS).join(', ')}.`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { help: { type: 'boolean', short: 'h' }, ...command.options },
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (parsed.values.help) {
    await write(commandUsage(name));
    return EXIT_OK;
  }
  return command.run(parsed.values, parsed.positionals);
}

// A reader that stops early (`| head`) is not a failure: stop quietly.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit();
  throw error;
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`reviewloop: ${error.message}\nRun "reviewloop --help" for usage.\n`);
  } else {
    process.stderr.write(`reviewloop: ${error.message}\n`);
  }
  process.exitCode = EXIT_USAGE;
}
