// `reviewloop classify [FILE]`
import { classifyBatch, init } from '../index.js';
import { eachRecord, oneFile } from '../lib/command.js';

export default {
  args: '[FILE]',
  summary: 'one JSON classification a line, in input order',
  help: `Reads reviews from FILE, or from stdin when FILE is - or absent: JSON Lines
(one review object a line) or CSV with a header row (a text column is required;
id, rating, title, product, sku… are optional). Writes one JSON classification
a line, in input order, each carrying the review's id. A review that cannot be
read gives {"id", "error", "line"} on its line instead, and the exit status is 1.`,
  options: {},
  async run(_values, positionals) {
    const file = oneFile('classify', positionals);
    await init();
    return eachRecord(file, classifyBatch);
  },
};
