// `reviewloop draft [FILE]`
import { draftReply, init } from '../index.js';
import { eachRecord, oneFile } from '../lib/command.js';
import { REPLY_FLAGS, REPLY_FLAGS_HELP, replyOptions } from './reply-options.js';

export default {
  args: '[FILE] [--brand NAME --support URL_OR_EMAIL --platform NAME]',
  summary: 'a compliant public reply a line: { id, reply, lint }',
  help: `Reads reviews as "classify" does (JSON Lines or CSV, FILE or stdin) and
writes one JSON a line: {"id", "reply", "lint", "escalated"}, the reply drafted
from the review's classification and checked by the linter (a draft never
carries a lint error). Safety, legal and fraud reviews get an acknowledge-and-
escalate reply ("escalated": true). A review that cannot be read gives
{"id", "error", "line"} and the exit status is 1.

Options:
${REPLY_FLAGS_HELP}`,
  options: REPLY_FLAGS,
  async run(values, positionals) {
    const file = oneFile('draft', positionals);
    await init();
    const options = replyOptions(values);
    return eachRecord(file, {
      each(review) {
        const draft = draftReply(review, options);
        return { id: draft.id, reply: draft.reply, lint: draft.lint, escalated: draft.escalated };
      },
    });
  },
};
