#!/usr/bin/env node
// reviewloop's command-line tool: the same wasm core as every other surface,
// reading review exports from a file or stdin and writing JSON Lines.
import { parseArgs } from 'node:util';

import classify from './commands/classify.js';
import draft from './commands/draft.js';
import lint from './commands/lint.js';
import report from './commands/report.js';
import { EXIT_OK, EXIT_USAGE, UsageError, write } from './lib/command.js';

/**
 * The commands, each a module in commands/ with `args`, `summary`, `help`,
 * `options` (`util.parseArgs` options beyond `--help`) and
 * `run(values, positionals)` resolving to an exit status.
 */
const COMMANDS = { classify, draft, lint, report };

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
