// What the feedback widget costs a page, measured: the bytes it adds (wasm +
// JS, gzipped as a server would send them) and the time until it can be used
// after its element appears, in headless Chromium against the demo server.
//
//   node tests/bench/widget.js            (what `make bench-widget` does; about a minute)
//   node tests/bench/widget.js --runs 5   fewer page loads
//
// Timings come from this machine's Chromium, so they move with its load; the
// medians and the spread are printed, not a single best run.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

import { launchChromium, startServer, stopServer } from '../browser/server.mjs';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 15;
if (!Number.isInteger(RUNS) || RUNS < 1 || args.some((a, i) => a !== '--runs' && i !== runsAt + 1)) {
  console.error('usage: node tests/bench/widget.js [--runs N]');
  process.exit(2);
}

const JS_DIR = new URL('../../js/', import.meta.url);
// Every file the one script tag pulls in, in load order.
const FILES = ['widget.js', 'pkg-widget/reviewloop.js', 'pkg-widget/reviewloop_bg.wasm'];
if (!existsSync(new URL('pkg-widget/reviewloop_bg.wasm', JS_DIR))) {
  console.error('js/pkg-widget is not built: run `make build` first.');
  process.exit(1);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (t) => `${t.toFixed(1)} ms`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs) => `median ${ms(median(xs))} (min ${ms(Math.min(...xs))}, max ${ms(Math.max(...xs))}, ${xs.length} runs)`;

// ---- Bytes

console.log('\nWhat the widget adds to a page (gzip level 9, as served compressed):');
let raw = 0;
let gz = 0;
for (const file of FILES) {
  const bytes = readFileSync(fileURLToPath(new URL(file, JS_DIR)));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += zipped;
  console.log(`  ${`js/${file}`.padEnd(28)} ${kb(bytes.length).padStart(10)} raw ${kb(zipped).padStart(10)} gzipped`);
}
console.log(`  ${'total'.padEnd(28)} ${kb(raw).padStart(10)} raw ${kb(gz).padStart(10)} gzipped   target <= 300 KB: ${gz <= 300 * 1024 ? 'met' : 'missed'}`);

// ---- Time

const { child, origin } = await startServer();
const browser = await launchChromium();
const cold = [];
const warm = [];
const firstSubmit = [];
const decision = [];
try {
  for (let run = 0; run < RUNS; run++) {
    // Cold: a fresh browser context (empty cache), the page with the one script
    // tag and the element; from the HTML's arrival (the element is parsed
    // then) to the widget rendered and listening.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      document.addEventListener('reviewloop-ready', () => { window.readyAt = performance.now(); }, { once: true });
    });
    await page.goto(`${origin}/order-status.html?order=BENCH-${run}`);
    await page.waitForFunction(() => window.readyAt !== undefined);
    cold.push(await page.evaluate(() => window.readyAt - performance.getEntriesByType('navigation')[0].responseEnd));

    // Warm: the script already loaded (a single-page app showing the element
    // later): from insertion to the widget rendered and listening.
    for (let i = 0; i < 3; i++) {
      warm.push(await page.evaluate(async (n) => {
        const el = document.createElement('reviewloop-feedback');
        el.setAttribute('order-id', `BENCH-WARM-${n}-${Math.random()}`);
        el.setAttribute('endpoint', '/api/feedback');
        el.setAttribute('review-url', 'https://reviews.example.com/write/bench');
        const ready = new Promise((r) => el.addEventListener('reviewloop-ready', () => r(performance.now()), { once: true }));
        const t0 = performance.now();
        document.body.append(el);
        const t1 = await ready;
        el.remove();
        return t1 - t0;
      }, `${run}-${i}`));
    }

    // The first submit on a page: the core decides (classifying the comment,
    // compiling the rules it needs on first use) and renders the thanks.
    // Then the decision, a task later: the comment read (rules compiled on
    // first use) until the help message is on screen.
    const [click, decided] = await page.evaluate(async () => {
      const root = document.querySelector('reviewloop-feedback').shadowRoot;
      root.querySelector('input[name="satisfaction"][value="3"]').checked = true;
      root.querySelector('textarea').value = 'The zip broke on day two and support never answered my emails.';
      const t0 = performance.now();
      root.querySelector('button[type="submit"]').click();
      const t1 = performance.now();
      if (!root.querySelector('.invitation')) throw new Error('the thanks did not render');
      const help = root.querySelector('.help');
      await new Promise((resolve) => {
        if (help.textContent) resolve();
        new MutationObserver(() => help.textContent && resolve()).observe(help, { childList: true, characterData: true, subtree: true });
      });
      return [t1 - t0, performance.now() - t0];
    });
    firstSubmit.push(click);
    decision.push(decided);
    await context.close();
  }
} finally {
  await browser.close();
  await stopServer(child);
}

console.log(`\nTime to interactive in headless Chromium ${browser.version?.() ?? ''} on this machine (${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${os.loadavg()[0].toFixed(1)}):`);
console.log(`  cold page load, HTML arrival -> widget ready:   ${spread(cold)}   target <= 200 ms: ${median(cold) <= 200 ? 'met' : 'missed'}`);
console.log(`  script already loaded, element added -> ready:  ${spread(warm)}   target <= 200 ms: ${median(warm) <= 200 ? 'met' : 'missed'}`);
console.log(`  first submit, click -> thanks and invitation:   ${spread(firstSubmit)}`);
console.log(`  first submit, click -> decision (help shown):   ${spread(decision)}`);
