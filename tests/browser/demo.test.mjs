// The demo page in headless Chromium, served by demo/server.js as `make demo` serves it.
// Needs the wasm built (`make build`) and Chromium at /usr/bin/chromium (`make setup-browser`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';

import { openPage, startServer, useDemo } from './server.mjs';

const PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];

const site = useDemo();

/** A raw GET, so paths like `/../x` reach the server exactly as written. */
function get(path, method = 'GET') {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(site.origin);
    // Options, not a URL: a URL would have its `..` resolved before sending.
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('latin1').on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

/** Opens the demo's first page, recording console errors, CSP violations and dialogs. */
function openDemo(options) {
  return openPage(site.browser, `${site.origin}/`, options);
}

async function classifyText(page, text) {
  await page.fill('#reviews-input', text);
  await page.click('#classify-button');
  await page.waitForFunction(() => /classified/.test(document.getElementById('announcer').textContent));
}

/** Each rendered result: its name, priority and the text of its chips. */
function readResults(page) {
  return page.$$eval('#result-list > li', (items) => items.map((item) => ({
    name: item.querySelector('.result-name').textContent,
    priority: item.dataset.priority,
    categories: [...item.querySelectorAll('[data-category]')].map((chip) => chip.dataset.category),
    risks: [...item.querySelectorAll('[data-risk]')].map((chip) => chip.dataset.risk),
    marks: [...item.querySelectorAll('mark')].map((mark) => mark.textContent),
    text: item.querySelector('.review-text').textContent,
  })));
}

describe('demo server', () => {
  test('serves the page with its CSP and every asset with the right MIME type', async () => {
    const page = await get('/');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.equal(
      page.headers['content-security-policy'],
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'",
    );
    assert.match(page.body, /<textarea id="reviews-input"/);

    const types = {
      '/app.js': /^text\/javascript/,
      '/style.css': /^text\/css/,
      '/js/index.js': /^text\/javascript/,
      '/js/classify.js': /^text\/javascript/,
      '/js/lib/engine.js': /^text\/javascript/,
      '/js/lib/records.js': /^text\/javascript/,
      '/js/pkg/reviewloop.js': /^text\/javascript/,
      '/js/pkg/reviewloop_bg.wasm': /^application\/wasm$/,
      '/js/pkg-classify/reviewloop.js': /^text\/javascript/,
      '/js/pkg-classify/reviewloop_bg.wasm': /^application\/wasm$/,
    };
    for (const [path, type] of Object.entries(types)) {
      const response = await get(path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers['content-type'], type, path);
    }
    for (const path of ['/js/pkg/reviewloop_bg.wasm', '/js/pkg-classify/reviewloop_bg.wasm']) {
      assert.equal((await get(path)).body.slice(0, 4), '\0asm', path);
    }
  });

  test('answers 404 for missing files and directories, 405 for other methods', async () => {
    assert.equal((await get('/nope.html')).status, 404);
    assert.equal((await get('/js/pkg/nope.wasm')).status, 404);
    assert.equal((await get('/js/')).status, 404);
    assert.equal((await get('/js/lib')).status, 404);
    const post = await get('/', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    const head = await get('/js/index.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  test('refuses path traversal, dotfiles and node_modules', async () => {
    const attempts = [
      '/../Cargo.toml',
      '/js/../../Cargo.toml',
      '/js/../Makefile',
      '/%2e%2e/Cargo.toml',
      '/%2E%2E/%2e%2e/etc/passwd',
      '/js/%2e%2e/Cargo.toml',
      '/js/..%2fCargo.toml',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e%5cCargo.toml',
      '/js/node_modules/playwright-core/package.json',
      '/js/../.git/HEAD',
      '/%00index.html',
      '/%E0%A4%A',
    ];
    for (const path of attempts) {
      const response = await get(path);
      assert.ok([400, 403, 404].includes(response.status), `${path} answered ${response.status}`);
      assert.doesNotMatch(response.body, /\[package\]|root:|ref: refs|"name": "playwright-core"/, path);
    }
  });

  test('stops cleanly on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT']) {
      const { child } = await startServer();
      const exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve({ code, sig })));
      child.kill(signal);
      assert.deepEqual(await exited, { code: 0, sig: null }, signal);
    }
  });
});

describe('demo page', () => {
  test('loads with no console errors and no CSP violations, and the CSP is enforced', async () => {
    const demo = await openDemo();
    try {
      const { page, problems } = demo;
      await page.waitForLoadState('networkidle');
      assert.deepEqual(problems, []);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
      assert.equal(await page.locator('#notice').isHidden(), true);
      assert.equal(await page.locator('#results').isHidden(), true);

      // The recorder works: an inline script is blocked and reported.
      await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true;';
        document.body.append(script);
      });
      await page.waitForFunction(() => window.cspViolations.length > 0);
      assert.equal(await page.evaluate(() => window.inlineRan), undefined);
    } finally {
      await demo.close();
    }
  });

  test('downloads the classifier\'s own package, never the whole engine', async () => {
    const wasm = [];
    const demo = await openDemo({
      route: (page) => page.on('request', (r) => { if (/\.wasm$/.test(new URL(r.url()).pathname)) wasm.push(new URL(r.url()).pathname); }),
    });
    try {
      const { page, problems } = demo;
      await classifyText(page, 'The charger caught fire on my desk.');
      assert.deepEqual(wasm, ['/js/pkg-classify/reviewloop_bg.wasm']);
      assert.deepEqual((await readResults(page))[0].risks, ['safety']);
      assert.deepEqual(problems, []);
    } finally {
      await demo.close();
    }
  });

  test('three pasted reviews give three results, sorted by priority', async () => {
    const demo = await openDemo();
    try {
      const { page, problems } = demo;
      await classifyText(page, [
        'Love it, fits perfectly and the colour is lovely.',
        'Returned it a month ago and I am still waiting for my refund.',
        'The charger caught fire on my desk.',
      ].join('\n'));
      const results = await readResults(page);
      assert.equal(results.length, 3);
      assert.deepEqual(results.map((r) => r.name), ['line 3', 'line 2', 'line 1']);
      assert.deepEqual(results.map((r) => r.priority), ['urgent', 'high', 'low']);
      assert.deepEqual(results[0].risks, ['safety']);
      assert.ok(results[1].categories.includes('refund'));
      assert.equal(await page.textContent('#announcer'), '3 reviews classified');
      assert.deepEqual(problems, []);
    } finally {
      await demo.close();
    }
  });

  test('the order holds for the sample: by priority, input order within one', async () => {
    const demo = await openDemo();
    try {
      const { page } = demo;
      await page.click('#sample-button');
      const sample = await page.inputValue('#reviews-input');
      const ids = sample.trim().split('\n').map((line) => JSON.parse(line).id);
      assert.ok(ids.length >= 10, 'the sample has about a dozen reviews');
      await page.click('#classify-button');
      await page.waitForSelector('#result-list > li');
      const results = await readResults(page);
      assert.equal(results.length, ids.length);
      const ranks = results.map((r) => PRIORITY_ORDER.indexOf(r.priority));
      assert.ok(ranks.every((rank) => rank >= 0));
      for (let i = 1; i < results.length; i += 1) {
        assert.ok(ranks[i - 1] <= ranks[i], `${results[i - 1].name} before ${results[i].name}`);
        if (ranks[i - 1] === ranks[i]) {
          assert.ok(ids.indexOf(results[i - 1].name) < ids.indexOf(results[i].name), 'stable within a priority');
        }
      }
      // The summary counts what the list shows.
      const urgent = results.filter((r) => r.priority === 'urgent').length;
      const urgentStat = page.locator('.stat', { hasText: 'Urgent' }).locator('.stat-value');
      assert.equal(await urgentStat.textContent(), String(urgent));
      const classified = page.locator('.stat', { hasText: 'Classified' }).locator('.stat-value');
      assert.equal(await classified.textContent(), String(results.length));
      // Each review has one sentiment, so the sentiment counts add up to the total.
      const sentimentTotal = await page.$$eval('.tally:first-child .tally-count',
        (counts) => counts.reduce((sum, n) => sum + Number(n.textContent), 0));
      assert.equal(sentimentTotal, results.length);
    } finally {
      await demo.close();
    }
  });

  test('"arrived broken" shows the damaged_in_transit chip and marks its words', async () => {
    const demo = await openDemo();
    try {
      const { page } = demo;
      await classifyText(page, 'It arrived broken and the box was crushed.');
      const [result] = await readResults(page);
      assert.ok(result.categories.includes('damaged_in_transit'));
      assert.ok(result.marks.some((mark) => mark.includes('broken')), `marks: ${result.marks}`);
      // Marks only wrap text: the review reads exactly as written.
      assert.equal(result.text, 'It arrived broken and the box was crushed.');
      const confidence = await page.textContent('[data-category="damaged_in_transit"] .chip-detail');
      assert.match(confidence, /^\d{1,3}%$/);
    } finally {
      await demo.close();
    }
  });

  test('evidence offsets are UTF-16, also after an emoji, and title spans land in the title', async () => {
    const demo = await openDemo();
    try {
      const { page } = demo;
      const reviews = [
        { id: 'emoji', rating: 5, text: '😡😡 Stopped working after two days. Total junk.' },
        { id: 'title', title: 'Arrived broken', text: 'Very disappointed.' },
      ];
      await classifyText(page, reviews.map((r) => JSON.stringify(r)).join('\n'));
      // What the core says, asked in the page through the same module.
      const expected = await page.evaluate(async (input) => {
        const api = await import('/js/classify.js');
        await api.init();
        return api.classifyBatch(input).map((result, i) => {
          const spans = [...result.categories, ...result.risks].flatMap((entry) => entry.evidence);
          const slice = (span) => (span.field === 'title' ? input[i].title : input[i].text).slice(span.start, span.end);
          return {
            text: spans.filter((span) => span.field !== 'title').map(slice).sort(),
            title: spans.filter((span) => span.field === 'title').map(slice).sort(),
          };
        });
      }, reviews);
      const emoji = page.locator('#result-list > li', { hasText: 'emoji' });
      assert.deepEqual((await emoji.locator('.review-text mark').allTextContents()).sort(), expected[0].text);
      assert.ok(expected[0].text.includes('Stopped working'), `core evidence: ${expected[0].text}`);
      assert.equal(await emoji.locator('.review-text').textContent(), reviews[0].text);

      const titled = page.locator('#result-list > li', { hasText: 'Very disappointed' });
      assert.equal(await titled.locator('.review-title').textContent(), 'Arrived broken');
      assert.ok(expected[1].title.length > 0, 'the core finds evidence in the title');
      assert.deepEqual((await titled.locator('.review-title mark').allTextContents()).sort(), expected[1].title);
    } finally {
      await demo.close();
    }
  });

  test('markup in a review is shown as text: no dialog, no element created', async () => {
    const demo = await openDemo();
    try {
      const { page, dialogs, problems } = demo;
      const hostile = 'Terrible <script>alert(1)</script><img src=x onerror=alert(1)> this is a scam';
      await classifyText(page, `${hostile}\nFine product.`);
      await page.waitForTimeout(300); // an onerror handler would have fired by now
      assert.deepEqual(dialogs, []);
      assert.equal(await page.locator('#results img, #results script').count(), 0);
      const shown = page.locator('#result-list > li', { hasText: 'scam' });
      assert.equal(await shown.locator('.review-text').textContent(), hostile);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
      assert.deepEqual(problems, []);
    } finally {
      await demo.close();
    }
  });

  test('an uploaded CSV is classified row by row, and a bad row shows its error', async () => {
    const demo = await openDemo();
    try {
      const { page } = demo;
      const csv = [
        'Review ID,Rating,Title,Review Text',
        'C-1,1,Broken,"Arrived broken, the box was crushed."',
        'C-2,5,,"Love it, fits perfectly."',
        'C-3,lots,,Still waiting for my refund.',
        'C-4,2,,"It took three weeks to arrive, and ""tracking"" never updated."',
      ].join('\r\n');
      await page.setInputFiles('#file-input', {
        name: 'export.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`\uFEFF${csv}\r\n`, 'utf8'),
      });
      await page.waitForFunction(() => /classified/.test(document.getElementById('announcer').textContent));
      const results = await readResults(page);
      assert.deepEqual(results.map((r) => r.name).sort(), ['C-1', 'C-2', 'C-4']);
      assert.equal(results.find((r) => r.name === 'C-4').text, 'It took three weeks to arrive, and "tracking" never updated.');
      assert.ok(results.find((r) => r.name === 'C-1').categories.includes('damaged_in_transit'));
      assert.equal(await page.locator('#result-list > li', { hasText: 'C-2' }).locator('.stars').getAttribute('aria-label'), '5 of 5 stars');

      const failures = await page.locator('#failure-list li').allTextContents();
      assert.equal(failures.length, 1);
      assert.match(failures[0], /^Line 4 \(C-3\): .*"lots".*not a number/);
      assert.equal(await page.textContent('#failures-title'), '1 row could not be read');
      assert.match(await page.textContent('#file-name'), /export\.csv/);
      assert.equal(await page.textContent('#announcer'), '3 reviews classified, 1 could not be read');
    } finally {
      await demo.close();
    }
  });

  test('rows the core or the reader refuse are listed with their message', async () => {
    const demo = await openDemo();
    try {
      const { page } = demo;
      await classifyText(page, [
        '{"id":"J-1","text":"Arrived broken."}',
        '{"id":"J-2","text":"Good enough.","rating":9}',
        '{"id":"J-3","text":',
        '',
        '{"id":"J-5","text":""}',
      ].join('\n'));
      assert.deepEqual((await readResults(page)).map((r) => r.name), ['J-1']);
      const failures = await page.locator('#failure-list li').allTextContents();
      assert.equal(failures.length, 3);
      assert.match(failures[0], /^Line 2 \(J-2\): The rating 9 is out of range/);
      assert.match(failures[1], /^Line 3 \(J-3\): Line 3 is not valid JSON/);
      assert.match(failures[2], /^Line 5 \(J-5\): .*no text/);
      assert.equal(await page.textContent('#failures-title'), '3 rows could not be read');
    } finally {
      await demo.close();
    }
  });

  test('works from the keyboard alone', async () => {
    const demo = await openDemo();
    try {
      const { page } = demo;
      await page.waitForLoadState('networkidle');
      const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
      let presses = 0;
      while ((await focused()) !== 'reviews-input' && presses < 5) {
        await page.keyboard.press('Tab');
        presses += 1;
      }
      assert.equal(await focused(), 'reviews-input', 'Tab reaches the textarea');
      assert.equal(presses, 1, 'the textarea is the first Tab stop');
      await page.keyboard.type('It arrived broken.');
      await page.keyboard.press('Enter');
      await page.keyboard.type('Love it, thank you!');
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'classify-button', 'the next Tab stop is Classify');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.getElementById('announcer').textContent === '2 reviews classified');
      assert.deepEqual((await readResults(page)).map((r) => r.name), ['line 1', 'line 2']);

      // The focused control is visibly outlined.
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.equal(outline, 'solid');
    } finally {
      await demo.close();
    }
  });

  test('focusing or hovering a chip highlights that label\'s words only', async () => {
    const demo = await openDemo();
    try {
      const { page } = demo;
      await classifyText(page, 'Wrong colour sent. My order #112-5523, call me at 555-0134 to sort it out.');
      const card = page.locator('#result-list > li').first();
      const active = () => card.locator('.is-active').allTextContents();
      assert.deepEqual(await active(), []);

      await card.locator('[data-risk="personal_data"]').focus();
      const personal = await active();
      assert.ok(personal.some((t) => t.includes('555-0134')), `active: ${personal}`);
      assert.ok(!personal.some((t) => t.includes('Wrong colour')), `active: ${personal}`);
      assert.equal(await card.locator('article').getAttribute('class'), 'result-body has-active');

      await card.locator('[data-risk="personal_data"]').blur();
      assert.deepEqual(await active(), []);
      const wrong = card.locator('[data-category="wrong_or_missing_item"]');
      await wrong.hover();
      assert.ok((await active()).some((t) => t.includes('Wrong colour')));
      await page.mouse.move(0, 0);
      assert.deepEqual(await active(), []);

      // A click pins the highlight until clicked again.
      await wrong.click();
      await page.mouse.move(0, 0);
      await page.locator('#reviews-input').focus();
      assert.equal(await wrong.getAttribute('aria-pressed'), 'true');
      assert.ok((await active()).some((t) => t.includes('Wrong colour')));
      await wrong.click();
      await page.mouse.move(0, 0);
      await page.locator('#reviews-input').focus();
      assert.deepEqual(await active(), []);
    } finally {
      await demo.close();
    }
  });

  test('overlapping spans become one mark whose parts carry their labels', async () => {
    const text = 'The handle snapped off and cut my thumb.';
    const span = (words, field) => {
      const source = field === 'title' ? 'Snapped' : text;
      const start = source.indexOf(words);
      return field ? { start, end: start + words.length, field } : { start, end: start + words.length };
    };
    const classification = {
      id: 'stub',
      language: 'en',
      sentiment: { label: 'negative', score: -0.9 },
      ratingMismatch: false,
      categories: [
        { id: 'quality', confidence: 0.8, evidence: [span('handle snapped')] },
        { id: 'damaged_in_transit', confidence: 0.6, evidence: [span('snapped off'), span('Snapped', 'title')] },
      ],
      risks: [{ id: 'safety', evidence: [span('cut my thumb'), span('cut my')] }],
      priority: 'urgent',
      needsReply: true,
    };
    // A stand-in for the package API that returns these spans for every review.
    const stub = `
      const result = ${JSON.stringify(classification)};
      export async function init() {}
      export function classify() { return result; }
      export function classifyBatch(reviews) { return reviews.map(() => result); }
    `;
    const demo = await openDemo({
      route: (page) => page.route('**/js/classify.js', (r) => r.fulfill({ contentType: 'text/javascript', body: stub })),
    });
    try {
      const { page } = demo;
      await classifyText(page, JSON.stringify({ id: 'stub', title: 'Snapped', text }));
      const card = page.locator('#result-list > li').first();
      assert.deepEqual(await card.locator('.review-text mark').allTextContents(), ['handle snapped off', 'cut my thumb']);
      assert.equal(await card.locator('mark mark').count(), 0);
      assert.equal(await card.locator('.review-text').textContent(), text);
      assert.deepEqual(await card.locator('.review-title mark').allTextContents(), ['Snapped']);

      const parts = await card.locator('.review-text mark').first().locator('[data-labels]')
        .evaluateAll((nodes) => nodes.map((n) => [n.textContent, n.dataset.labels]));
      assert.deepEqual(parts, [
        ['handle ', 'category:quality'],
        ['snapped', 'category:quality category:damaged_in_transit'],
        [' off', 'category:damaged_in_transit'],
      ]);

      await card.locator('[data-category="damaged_in_transit"]').focus();
      assert.deepEqual(await card.locator('.is-active').allTextContents(), ['Snapped', 'snapped', ' off']);
      await card.locator('[data-risk="safety"]').focus();
      assert.deepEqual(await card.locator('.is-active').allTextContents(), ['cut my thumb']);
    } finally {
      await demo.close();
    }
  });

  test('plain lines are numbered as typed, blank lines skipped', async () => {
    const demo = await openDemo();
    try {
      const { page } = demo;
      await classifyText(page, '\nLove it, thank you!\n\n   \nGreat value, would buy again.\n');
      assert.deepEqual((await readResults(page)).map((r) => r.name), ['line 2', 'line 5']);
      assert.deepEqual(await page.locator('.review-text').allTextContents(),
        ['Love it, thank you!', 'Great value, would buy again.']);
    } finally {
      await demo.close();
    }
  });

  test('a long export is shown a hundred at a time, and counted in full', async () => {
    const demo = await openDemo();
    try {
      const { page } = demo;
      const lines = Array.from({ length: 150 }, (_, i) => `Review number ${i + 1}: love it.`);
      await classifyText(page, lines.join('\n'));
      assert.equal(await page.textContent('#announcer'), '150 reviews classified');
      assert.equal(await page.locator('#result-list > li').count(), 100);
      assert.equal(await page.textContent('#more-button'), 'Show the last 50');
      await page.click('#more-button');
      assert.equal(await page.locator('#result-list > li').count(), 150);
      assert.equal(await page.locator('#more-button').isHidden(), true);
      // Focus moves to the first new result, so keyboard users carry on from there.
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'line 101');
    } finally {
      await demo.close();
    }
  });

  test('says so when the wasm is not built', async () => {
    const demo = await openDemo({
      route: (page) => page.route('**/js/pkg-classify/**', (r) => r.fulfill({ status: 404, body: 'Not found.\n' })),
    });
    try {
      const { page } = demo;
      await page.waitForSelector('#notice:not([hidden])');
      assert.match(await page.textContent('#notice'), /not built.*js\/pkg-classify\/reviewloop_bg\.wasm.*make build/);
      assert.equal(await page.locator('#classify-button').isDisabled(), true);
    } finally {
      await demo.close();
    }
  });
});
