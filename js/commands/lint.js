// `reviewloop lint [FILE]`
import { init, lintReply } from '../index.js';
import { eachRecord, oneFile } from '../lib/command.js';
import { REPLY_FLAGS, REPLY_FLAGS_HELP, replyOptions } from './reply-options.js';

export default {
  args: '[FILE] [--platform NAME]',
  summary: 'checks replies: { id, ok, issues }',
  help: `Reads merchants' replies as JSON Lines ({"id", "text"} a line) or CSV with a
text column, from FILE or stdin, and writes one JSON a line: {"id", "ok",
"issues"}. Each issue has ruleId, severity, message, start/end (UTF-16
offsets into the text), an optional suggestion and the source of the rule.
"ok" is false when any issue is an error. A line that cannot be read gives
{"id", "error", "line"} and the exit status is 1.

Options:
${REPLY_FLAGS_HELP}`,
  options: REPLY_FLAGS,
  async run(values, positionals) {
    const file = oneFile('lint', positionals);
    await init();
    const options = replyOptions(values);
    delete options.variant;
    return eachRecord(file, {
      each: (reply) => ({ id: reply.id == null ? null : String(reply.id), ...lintReply(reply.text, options) }),
    });
  },
};
