// `reviewloop classify [FILE] [--with-review]`
// The classifier's own build (js/pkg-classify): less wasm to compile at start-up.
import { classifyBatch, init } from '../classify.js';
import { eachRecord, oneFile } from '../lib/command.js';

export default {
  args: '[FILE] [--with-review]',
  summary: 'one JSON classification a line, in input order',
  help: `Reads reviews from FILE, or from stdin when FILE is - or absent: JSON Lines
(one review object a line) or CSV with a header row (a text column is required;
id, rating, title, product, sku… are optional). Writes one JSON classification
a line, in input order, each carrying the review's id. A review that cannot be
read gives {"id", "error", "line"} on its line instead, and the exit status is 1.

Options:
  --with-review   write each review as it was read (our field names, whatever
                  the export called them) with its classification under
                  "classification": JSON Lines that "reviewloop report" reads
                  without classifying again`,
  options: { 'with-review': { type: 'boolean' } },
  async run(values, positionals) {
    const file = oneFile('classify', positionals);
    await init();
    if (!values['with-review']) return eachRecord(file, { batch: classifyBatch });
    return eachRecord(file, {
      batch: (reviews) =>
        classifyBatch(reviews).map((classification, i) => ('error' in classification ? classification : { ...reviews[i], classification })),
    });
  },
};
