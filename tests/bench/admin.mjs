// The reply assistant's figures for the README: what a keystroke, a check and
// an attach cost in headless Chromium, and what js/admin.js weighs.
//
//   node tests/bench/admin.mjs      (about a minute; needs `make build` and Chromium)
//
// Times are per call, from batches of calls (Chromium's clock is coarsened to
// 0.1 ms), median and worst of the batches.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { launchChromium, openPage, startServer, stopServer } from '../browser/server.mjs';

const BATCHES = 15;
const PER_BATCH = 40;
const REVIEW = {
  id: 'bench',
  rating: 1,
  author: 'Joanne',
  title: 'Where is my refund?',
  text: 'Sent the bag back five weeks ago, you confirmed you received it, and I am still waiting for my refund. Three emails and no answer.',
};
const OPTIONS = { brand: 'Northwind Home', support: 'help@northwind.example', signOff: 'Maya, Northwind Home', displayName: 'Joanne' };
const BAD = " Please remove your review and we'll refund you. Sorry for any inconvenience.";

const source = readFileSync(new URL('../../js/admin.js', import.meta.url));
const { child, origin } = await startServer();
const browser = await launchChromium();
try {
  const { page, problems, close } = await openPage(browser, `${origin}/admin.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const figures = await page.evaluate(async ({ review, options, bad, batches, perBatch }) => {
    const core = await import('/js/index.js');
    const { attachReplyAssistant } = await import('/js/admin.js');
    await core.init();
    document.body.replaceChildren();
    const box = document.createElement('textarea');
    box.rows = 8;
    box.style.width = '600px';
    box.style.font = '15px/1.6 system-ui, sans-serif';
    document.body.append(box);

    /** Per-call ms of `run`, over batches: median and worst. */
    function time(run) {
      const perCall = [];
      for (let b = 0; b < batches; b += 1) {
        const started = performance.now();
        for (let i = 0; i < perBatch; i += 1) run(i);
        perCall.push((performance.now() - started) / perBatch);
      }
      perCall.sort((x, y) => x - y);
      return { median: perCall[Math.floor(perCall.length / 2)], worst: perCall[perCall.length - 1] };
    }

    const draft = core.draftReply(review, options);
    const typed = draft.reply + bad;
    const results = {
      replyLength: typed.length,
      draftReplyAlone: time(() => core.draftReply(review, options)),
      attachDetach: time(() => attachReplyAssistant(box, { review, ...options, fill: 'always' }).detach()),
    };
    const handle = attachReplyAssistant(box, { review, ...options, debounce: 1e9 });
    box.value = typed;
    const issues = handle.lint().issues.length;
    results.issues = issues;
    results.lintReplyAlone = time(() => core.lintReply(typed, { review, ...options }));
    results.checkSameIssues = time(() => handle.lint());
    results.checkNewIssues = time((i) => {
      box.value = i % 2 === 0 ? draft.reply : typed;
      handle.lint();
    });
    box.value = typed;
    handle.lint();
    results.keystroke = time((i) => {
      box.value = i % 2 === 0 ? `${box.value}x` : box.value.slice(0, -1);
      box.dispatchEvent(new Event('input', { bubbles: true }));
    });
    handle.detach();
    return results;
  }, { review: REVIEW, options: OPTIONS, bad: BAD, batches: BATCHES, perBatch: PER_BATCH });
  await close();
  if (problems.length > 0) throw new Error(problems.join('\n'));

  const ms = ({ median, worst }) => `median ${median.toFixed(3)} ms, worst batch ${worst.toFixed(3)} ms`;
  console.log(`reply of ${figures.replyLength} characters with ${figures.issues} issues, ${BATCHES} batches of ${PER_BATCH} calls`);
  console.log(`keystroke (input event: marks shifted, mirror redrawn)   ${ms(figures.keystroke)}`);
  console.log(`check, same issues (lintReply + mirror, list kept)       ${ms(figures.checkSameIssues)}`);
  console.log(`check, issues changed (lintReply + mirror + list)        ${ms(figures.checkNewIssues)}`);
  console.log(`lintReply alone                                          ${ms(figures.lintReplyAlone)}`);
  console.log(`draftReply alone                                         ${ms(figures.draftReplyAlone)}`);
  console.log(`attach (draft + fill + first render) and detach          ${ms(figures.attachDetach)}`);
  console.log(`js/admin.js                                              ${source.length} bytes, ${gzipSync(source, { level: 9 }).length} gzipped`);
} finally {
  await browser.close();
  await stopServer(child);
}
