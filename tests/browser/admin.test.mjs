// The reply inbox (demo/admin.html) and the reply assistant (js/admin.js) in
// headless Chromium, served by demo/server.js under its CSP.
// Needs the wasm built (`make build`) and Chromium at /usr/bin/chromium (`make setup-browser`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { axeViolations, openPage, useDemo } from './server.mjs';

const SAMPLES = JSON.parse(readFileSync(new URL('../../demo/admin-reviews.json', import.meta.url), 'utf8'));
const PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];
const FORBIDDEN = "Please remove your review and we'll refund you";
// The demo's own reply settings, as admin.html sets them.
const DEMO_SETTINGS = { platform: 'generic', tone: 'warm', brand: 'Northwind Home', support: 'help@northwind.example', signOff: 'Maya, Northwind Home' };

const site = useDemo();

/** The inbox page, loaded and sorted. */
async function openInbox() {
  const opened = await openPage(site.browser, `${site.origin}/admin.html`);
  await opened.page.waitForSelector('body[data-ready="true"]');
  return opened;
}

/** The lint options the demo passes for a review, with its settings. */
function lintOptions(review) {
  return { ...DEMO_SETTINGS, review, displayName: review.author };
}

function sample(id) {
  const review = SAMPLES.find((r) => r.id === id);
  assert.ok(review, `demo/admin-reviews.json has ${id}`);
  return review;
}

/** Opens the review with this id and waits for the assistant's first check. */
async function openReview(page, id) {
  await page.click(`.inbox-item[data-id="${id}"] .inbox-open`);
  await page.waitForSelector('#reply-text + .rl-reply-mirror');
  await page.waitForFunction(() => document.querySelector('.rl-reply__summary')?.textContent !== '');
}

/** What the core itself says: `api[name](...args)`, asked in the page through the package's API. */
function core(page, name, ...args) {
  return page.evaluate(async ({ name, args }) => {
    const api = await import('/js/index.js');
    await api.init();
    return api[name](...args);
  }, { name, args });
}

/** The issues the list shows, as the DOM carries them. */
function listedIssues(page) {
  return page.$$eval('.rl-reply__issue', (items) => items.map((item) => ({
    ruleId: item.dataset.rule,
    severity: item.dataset.severity,
    start: Number(item.dataset.start),
    end: Number(item.dataset.end),
    message: item.querySelector('.rl-reply__message').textContent,
    source: item.querySelector('.rl-reply__source')?.textContent ?? null,
    fix: item.querySelector('.rl-reply__button--fix') !== null,
    placed: item.dataset.placed !== undefined,
  })));
}

/** The marks of the mirror, with the offsets they cover. */
function mirrorMarks(page) {
  return page.$eval('.rl-reply-mirror', (mirror) => {
    let at = 0;
    const marks = [];
    for (const node of mirror.childNodes) {
      const text = node.textContent.replace(/\u200b$/, '');
      if (node.nodeName === 'MARK') {
        marks.push({ start: at, end: at + text.length, text, severity: node.dataset.severity, rules: node.dataset.rules.split(' ') });
      }
      at += text.length;
    }
    return marks;
  });
}

async function typeReply(page, text) {
  await page.focus('#reply-text');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

/** Waits for the debounced check to catch up with what is in the box. */
async function settled(page) {
  await page.waitForFunction(() => {
    const issues = [...document.querySelectorAll('.rl-reply__issue')];
    const text = document.getElementById('reply-text').value;
    return issues.length > 0 || /No issues/.test(document.querySelector('.rl-reply__summary').textContent)
      ? document.querySelector('.rl-reply-mirror').textContent.replace(/\u200b$/, '') === text
      : false;
  });
  await page.waitForTimeout(400); // past the debounce: nothing is still pending
}

describe('reply inbox', () => {
  test('lists every sample review, most urgent first, with no console error or CSP violation', async () => {
    const { page, problems, close } = await openInbox();
    try {
      const items = await page.$$eval('.inbox-item', (nodes) => nodes.map((n) => ({ id: n.dataset.id, priority: n.dataset.priority })));
      assert.equal(items.length, SAMPLES.length);
      assert.ok(SAMPLES.length >= 15, 'about twenty sample reviews');
      const ranks = items.map((item) => PRIORITY_ORDER.indexOf(item.priority));
      assert.ok(ranks.every((rank) => rank >= 0));
      for (let i = 1; i < items.length; i += 1) {
        assert.ok(ranks[i - 1] <= ranks[i], `${items[i - 1].id} (${items[i - 1].priority}) before ${items[i].id} (${items[i].priority})`);
        if (ranks[i - 1] === ranks[i]) {
          const order = SAMPLES.map((r) => r.id);
          assert.ok(order.indexOf(items[i - 1].id) < order.indexOf(items[i].id), 'file order within a priority');
        }
      }
      // The priorities are the core's.
      const expected = (await core(page, 'classifyBatch', SAMPLES)).map((c) => [c.id, c.priority]);
      assert.deepEqual(Object.fromEntries(items.map((item) => [item.id, item.priority])), Object.fromEntries(expected));
      assert.deepEqual(new Set(items.map((item) => item.priority)), new Set(PRIORITY_ORDER), 'the samples cover every priority');
      assert.deepEqual(problems, []);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    } finally {
      await close();
    }
  });

  test('the first page of the demo links to the inbox', async () => {
    const { page, close } = await openPage(site.browser, `${site.origin}/`);
    try {
      await page.click('nav >> text=Reply inbox');
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(new URL(page.url()).pathname, '/admin.html');
    } finally {
      await close();
    }
  });

  test('opening a review shows its labels and evidence and drafts a reply that names its issue', async () => {
    const { page, problems, close } = await openInbox();
    try {
      const cases = [
        { id: 'RV-2043', words: /refund/i },
        { id: 'RV-2042', words: /size|fit|small/i },
        { id: 'RV-2041', words: /deliver|arriv|late|wait|parcel|order/i },
      ];
      for (const { id, words } of cases) {
        const review = sample(id);
        await openReview(page, id);
        const reply = await page.inputValue('#reply-text');
        const draft = await core(page, 'draftReply', review, { ...DEMO_SETTINGS, displayName: review.author, variant: 0 });
        assert.equal(reply, draft.reply, `${id}: the box holds the core's draft`);
        assert.match(reply, words, `${id}: ${reply}`);
        assert.equal(await page.textContent('#review-quote .review-text'), review.text);

        const classification = await core(page, 'classify', review);
        const shown = await page.$$eval('#review-labels .label', (labels) => labels.map((l) => l.dataset.category ?? l.dataset.risk));
        assert.deepEqual(shown.sort(), [...classification.categories, ...classification.risks].map((l) => l.id).sort());
        const evidence = [...classification.categories, ...classification.risks]
          .flatMap((l) => l.evidence).filter((s) => s.field !== 'title').map((s) => review.text.slice(s.start, s.end));
        const marks = await page.$$eval('#review-quote .review-text mark', (nodes) => nodes.map((n) => n.textContent));
        for (const words of evidence) assert.ok(marks.some((mark) => mark.includes(words)), `${id}: "${words}" is marked`);
        assert.equal(evidence.length > 0, marks.length > 0);
      }
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test('"Another wording" changes the text and cycles back to the first', async () => {
    const { page, close } = await openInbox();
    try {
      await openReview(page, 'RV-2043');
      const first = await page.inputValue('#reply-text');
      const label = await page.textContent('.rl-reply__wording');
      const [, at, of] = /Wording (\d+) of (\d+)/.exec(label) ?? [];
      assert.equal(at, '1', label);
      const variants = Number(of);
      assert.ok(variants >= 2, label);
      const seen = [first];
      for (let i = 1; i < variants; i += 1) {
        await page.click('text=Another wording');
        const text = await page.inputValue('#reply-text');
        assert.ok(!seen.includes(text), `wording ${i + 1} is new`);
        seen.push(text);
        assert.equal(await page.textContent('.rl-reply__wording'), `Wording ${i + 1} of ${variants}`);
      }
      await page.click('text=Another wording');
      assert.equal(await page.inputValue('#reply-text'), first);
    } finally {
      await close();
    }
  });

  test('a new setting redrafts an untouched reply and only re-checks an edited one', async () => {
    const { page, close } = await openInbox();
    try {
      const review = sample('RV-2043');
      await openReview(page, 'RV-2043');
      await page.selectOption('#tone', 'formal');
      const { reply: formal } = await core(page, 'draftReply', review, { ...DEMO_SETTINGS, tone: 'formal', displayName: review.author });
      await page.waitForFunction((text) => document.getElementById('reply-text').value === text, formal);

      await typeReply(page, 'We are sorry about the refund. Write to help@northwind.example.');
      await settled(page);
      await page.selectOption('#platform', 'amazon');
      await page.waitForTimeout(100);
      assert.equal(await page.inputValue('#reply-text'), 'We are sorry about the refund. Write to help@northwind.example.');
      await page.waitForSelector('#reply-text + .rl-reply-mirror');

      // A support channel the core refuses is reported; the last good settings keep working.
      await page.fill('#support', 'not-an-address');
      await page.press('#support', 'Tab');
      await page.waitForSelector('#settings-error:not([hidden])');
      assert.match(await page.textContent('#settings-error'), /^These settings cannot be used: .*support.*not-an-address/);
      await typeReply(page, FORBIDDEN);
      await settled(page);
      assert.ok((await listedIssues(page)).some((issue) => issue.severity === 'error'));
      await page.fill('#support', 'https://northwind.example/help');
      await page.press('#support', 'Tab');
      await page.waitForSelector('#settings-error[hidden]', { state: 'attached' });

      // Another review gets its own draft; coming back finds the merchant's text as left.
      await typeReply(page, 'Our own words about the refund.');
      await openReview(page, 'RV-2042');
      assert.match(await page.inputValue('#reply-text'), /size|fit/i);
      await openReview(page, 'RV-2043');
      assert.equal(await page.inputValue('#reply-text'), 'Our own words about the refund.');
    } finally {
      await close();
    }
  });

  test('typing a forbidden request shows each issue at its place, with its message and source', async () => {
    const { page, problems, close } = await openInbox();
    try {
      const review = sample('RV-2043');
      await openReview(page, 'RV-2043');
      await typeReply(page, FORBIDDEN);
      await settled(page);
      const expected = await core(page, 'lintReply', FORBIDDEN, lintOptions(review));
      assert.equal(expected.ok, false);
      const listed = await listedIssues(page);
      const byPlace = (a, b) => a.start - b.start || a.end - b.end || a.ruleId.localeCompare(b.ruleId);
      assert.deepEqual(
        listed.map(({ ruleId, severity, start, end, message }) => ({ ruleId, severity, start, end, message })).sort(byPlace),
        expected.issues.map(({ ruleId, severity, start, end, message }) => ({ ruleId, severity, start, end, message })).sort(byPlace),
      );
      for (const issue of listed) assert.match(issue.source ?? '', /^Source: \S/, issue.ruleId);

      // The request to remove the review and the refund tied to it are both errors, at their words.
      const errors = expected.issues.filter((i) => i.severity === 'error').map((i) => FORBIDDEN.slice(i.start, i.end));
      assert.ok(errors.some((words) => /remove your review/i.test(words)), `errors at: ${errors}`);
      assert.ok(errors.some((words) => /refund/i.test(words)), `errors at: ${errors}`);

      // Every issue about some words is marked in the mirror over exactly them;
      // one that spans the whole reply with no fix (a missing apology) is listed only.
      const marks = await mirrorMarks(page);
      const placed = expected.issues.filter((i) => i.suggestion !== undefined || i.start > 0 || i.end < FORBIDDEN.length);
      assert.ok(placed.length >= 2);
      for (const issue of placed) {
        const covering = marks.filter((m) => m.start < issue.end && m.end > issue.start);
        assert.equal(covering[0]?.start, issue.start, issue.ruleId);
        assert.equal(covering.at(-1)?.end, issue.end, issue.ruleId);
        assert.ok(covering.every((m) => m.rules.includes(issue.ruleId)), issue.ruleId);
      }
      for (const mark of marks) {
        assert.equal(mark.text, FORBIDDEN.slice(mark.start, mark.end));
        assert.ok(mark.rules.every((rule) => placed.some((i) => i.ruleId === rule)), `${mark.rules}`);
      }
      assert.ok(marks.some((m) => m.severity === 'error'));

      // The mirror lies exactly over the textarea and wraps the text the same way.
      const geometry = await page.evaluate(() => {
        const textarea = document.getElementById('reply-text');
        const mirror = document.querySelector('.rl-reply-mirror');
        const a = textarea.getBoundingClientRect();
        const b = mirror.getBoundingClientRect();
        return {
          offsets: [a.left - b.left, a.top - b.top, a.width - b.width, a.height - b.height],
          scrollHeights: [textarea.scrollHeight, mirror.scrollHeight],
          font: [getComputedStyle(textarea).font, getComputedStyle(mirror).font],
          describedBy: textarea.getAttribute('aria-describedby'),
          summaryId: document.querySelector('.rl-reply__summary').id,
        };
      });
      for (const delta of geometry.offsets) assert.ok(Math.abs(delta) < 0.5, `offsets ${geometry.offsets}`);
      assert.ok(Math.abs(geometry.scrollHeights[0] - geometry.scrollHeights[1]) <= 1, `${geometry.scrollHeights}`);
      assert.equal(geometry.font[0], geometry.font[1]);
      assert.ok(geometry.describedBy.split(' ').includes(geometry.summaryId));
      assert.match(await page.textContent('.rl-reply__summary'), /Fix the errors before posting/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test('applying a fix replaces exactly the flagged words, re-checks, and can be undone', async () => {
    const { page, close } = await openInbox();
    try {
      await openReview(page, 'RV-2043');
      await typeReply(page, FORBIDDEN);
      await settled(page);
      const before = await listedIssues(page);
      const target = before.find((issue) => issue.fix);
      assert.ok(target, 'some issue has a fix');
      const found = (await core(page, 'lintReply', FORBIDDEN, lintOptions(sample('RV-2043')))).issues
        .find((i) => i.ruleId === target.ruleId && i.start === target.start);
      const expected = FORBIDDEN.slice(0, found.start) + found.suggestion + FORBIDDEN.slice(found.end);

      await page.click(`.rl-reply__issue[data-rule="${target.ruleId}"][data-start="${target.start}"] .rl-reply__button--fix`);
      assert.equal(await page.inputValue('#reply-text'), expected);
      // Checked at once, not after the debounce.
      const after = await listedIssues(page);
      assert.ok(!after.some((i) => i.ruleId === target.ruleId && i.start === target.start && i.end === target.end));
      assert.equal(await page.$eval('.rl-reply-mirror', (m) => m.textContent.replace(/\u200b$/, '')), expected);

      await page.focus('#reply-text');
      await page.keyboard.press('Control+Z');
      assert.equal(await page.inputValue('#reply-text'), FORBIDDEN);
    } finally {
      await close();
    }
  });

  test('works by keyboard alone: open a review, write, jump to an issue, apply its fix', async () => {
    const { page, close } = await openInbox();
    try {
      const focused = () => page.evaluate(() => {
        const a = document.activeElement;
        return { id: a.id, cls: a.className, text: a.textContent, index: a.dataset?.index };
      });
      async function tabUntil(predicate, limit = 40) {
        for (let i = 0; i < limit; i += 1) {
          await page.keyboard.press('Tab');
          if (predicate(await focused())) return;
        }
        assert.fail(`focus never reached the target; it is on ${JSON.stringify(await focused())}`);
      }
      await tabUntil((f) => f.cls.includes('inbox-open'));
      assert.equal((await focused()).index, '0');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.equal((await focused()).index, '2');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#reply-text + .rl-reply-mirror');
      assert.equal((await focused()).id, 'review-heading', 'focus moves to the opened review');
      const opened = await page.getAttribute('.inbox-open[data-index="2"]', 'aria-current');
      assert.equal(opened, 'true');

      await tabUntil((f) => f.id === 'reply-text');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(FORBIDDEN);
      await settled(page);

      await tabUntil((f) => f.text === 'Show in text');
      await page.keyboard.press('Enter');
      const selection = await page.evaluate(() => {
        const t = document.activeElement;
        return { id: t.id, start: t.selectionStart, end: t.selectionEnd };
      });
      const [first] = (await listedIssues(page)).filter((i) => i.placed);
      assert.deepEqual(selection, { id: 'reply-text', start: first.start, end: first.end });
      // The issue under the caret is the current one, in the list and in the text.
      assert.equal(await page.$eval('.rl-reply__issue.is-current', (item) => Number(item.dataset.start)), first.start);
      assert.ok(await page.locator('.rl-reply-mark.is-current').count() > 0);

      const before = await page.inputValue('#reply-text');
      await tabUntil((f) => f.text === 'Apply fix');
      await page.keyboard.press('Enter');
      assert.notEqual(await page.inputValue('#reply-text'), before);
      // Focus stays in the list (or returns to the box), never lost to the page.
      const after = await focused();
      assert.ok(after.cls.includes('rl-reply__button') || after.id === 'reply-text', JSON.stringify(after));
    } finally {
      await close();
    }
  });

  test('markup and script in a review and in a reply are shown as text', async () => {
    const { page, dialogs, problems, close } = await openInbox();
    try {
      const review = sample('RV-2058');
      await openReview(page, 'RV-2058');
      await page.waitForTimeout(300); // an onerror handler would have fired by now
      assert.equal(await page.textContent('#review-quote .review-text'), review.text);
      assert.equal(await page.textContent('#review-quote .review-title'), review.title);
      assert.match(await page.textContent('#review-heading'), /<b>admin<\/b>/);
      assert.match(await page.textContent(`.inbox-item[data-id="RV-2058"]`), /<script>/);
      // The core will not put markup in a reply: the name is left out, and the page says why.
      assert.match(await page.textContent('#settings-error'), /name is left out.*displayName/);
      assert.doesNotMatch(await page.inputValue('#reply-text'), /<b>|admin/);

      const hostile = 'Thanks <img src=x onerror=alert(2)><script>alert(3)</script> please remove your review';
      await typeReply(page, hostile);
      await settled(page);
      await page.waitForTimeout(300);
      assert.equal(await page.$eval('.rl-reply-mirror', (m) => m.textContent.replace(/\u200b$/, '')), hostile);
      assert.equal(await page.locator('main img, main script, .rl-reply img, .rl-reply-mirror img, .rl-reply-mirror script').count(), 0);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(problems, []);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    } finally {
      await close();
    }
  });

  test('axe-core finds no accessibility violations, before and after issues are shown', async () => {
    const { page, close } = await openInbox();
    try {
      assert.deepEqual(await axeViolations(page), []);
      await openReview(page, 'RV-2044');
      await typeReply(page, FORBIDDEN);
      await settled(page);
      assert.deepEqual(await axeViolations(page), []);
    } finally {
      await close();
    }
  });
});

describe('attachReplyAssistant', () => {
  /** A bare page of the demo's origin (same CSP) with a textarea of our own. */
  async function openBare() {
    const opened = await openInbox();
    await opened.page.evaluate(async () => {
      document.body.replaceChildren();
      const label = document.createElement('label');
      label.htmlFor = 'own';
      label.textContent = 'Reply';
      const box = document.createElement('textarea');
      box.id = 'own';
      box.rows = 6;
      box.setAttribute('aria-describedby', 'host-hint');
      const hint = document.createElement('p');
      hint.id = 'host-hint';
      hint.textContent = 'Be kind.';
      document.body.append(label, box, hint);
      window.admin = await import('/js/admin.js');
      window.core = await import('/js/index.js');
      await window.core.init();
    });
    return opened;
  }

  test('detach() removes every element, listener, timer and sheet, and keeps the value', async () => {
    const { page, close } = await openBare();
    try {
      const cdp = await page.context().newCDPSession(page);
      async function listeners() {
        const counts = {};
        for (const [name, expression] of Object.entries({
          textarea: 'document.getElementById("own")', window: 'window', document: 'document', fonts: 'document.fonts',
        })) {
          const { result } = await cdp.send('Runtime.evaluate', { expression });
          const { listeners: found } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
          counts[name] = found.length;
        }
        return counts;
      }
      const snapshot = () => page.evaluate(() => ({
        nodes: document.getElementsByTagName('*').length,
        html: document.body.innerHTML.replace(/\s+/g, ' '),
        attributes: [...document.getElementById('own').attributes].map((a) => `${a.name}=${a.value}`),
        sheets: document.adoptedStyleSheets.length,
      }));
      const bare = await snapshot();
      const bareListeners = await listeners();

      await page.evaluate(() => {
        window.lints = 0;
        window.handle = window.admin.attachReplyAssistant(document.getElementById('own'), {
          review: { id: 'x', text: 'My refund has not arrived after three weeks.', rating: 1 },
          support: 'help@shop.example',
          debounce: 50,
          onLint: () => { window.lints += 1; },
        });
      });
      const attached = await snapshot();
      assert.ok(attached.nodes > bare.nodes, 'the assistant adds its mirror and panel');
      assert.equal(attached.sheets, bare.sheets + 1);
      const attachedListeners = await listeners();
      assert.ok(attachedListeners.textarea > bareListeners.textarea);
      assert.ok(attachedListeners.window > bareListeners.window);

      // Type, then detach before the debounce fires: no check may run afterwards.
      await page.focus('#own');
      await page.keyboard.type(' Please remove your review.');
      const value = await page.inputValue('#own');
      const lints = await page.evaluate(() => { window.handle.detach(); return window.lints; });
      await page.keyboard.type(' More words after detach.');
      await page.evaluate(() => { window.dispatchEvent(new Event('resize')); });
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => window.lints), lints, 'no check after detach');

      const detached = await snapshot();
      assert.equal(detached.nodes, bare.nodes);
      assert.equal(detached.html, bare.html);
      assert.deepEqual(detached.attributes, bare.attributes);
      assert.equal(detached.sheets, bare.sheets);
      assert.deepEqual(await listeners(), bareListeners);
      assert.equal(await page.inputValue('#own'), `${value} More words after detach.`);
      assert.ok(value.startsWith(await page.evaluate(() => window.core.draftReply(
        { id: 'x', text: 'My refund has not arrived after three weeks.', rating: 1 }, { support: 'help@shop.example' },
      ).reply)), 'the draft was filled in and kept');

      // A detached handle says so; detaching twice is harmless; attaching again works.
      assert.match(await page.evaluate(() => { try { window.handle.lint(); return 'no error'; } catch (e) { return e.message; } }), /detached/);
      await page.evaluate(() => window.handle.detach());
      await page.evaluate(() => {
        window.again = window.admin.attachReplyAssistant(document.getElementById('own'), { review: { text: 'Fine.' } });
        window.again.detach();
      });
      assert.equal((await snapshot()).nodes, bare.nodes);
    } finally {
      await close();
    }
  });

  test('refuses what it cannot use, with a message and nothing added', async () => {
    const { page, close } = await openBare();
    try {
      const result = await page.evaluate(() => {
        const box = document.getElementById('own');
        const before = document.getElementsByTagName('*').length;
        const attempt = (...args) => {
          try {
            window.admin.attachReplyAssistant(...args).detach();
            return 'attached';
          } catch (error) {
            return error.message;
          }
        };
        const messages = {
          notTextarea: attempt(document.body, { review: { text: 'Hi' } }),
          noReview: attempt(box, {}),
          emptyReview: attempt(box, { review: { text: '' } }),
          badPlatform: attempt(box, { review: { text: 'Late again.' }, platform: 'myspace' }),
          badFill: attempt(box, { review: { text: 'Late again.' }, fill: 'sometimes' }),
          detachedBox: attempt(document.createElement('textarea'), { review: { text: 'Late again.' } }),
        };
        const handle = window.admin.attachReplyAssistant(box, { review: { text: 'Late again.' } });
        messages.twice = attempt(box, { review: { text: 'Late again.' } });
        handle.detach();
        return { messages, added: document.getElementsByTagName('*').length - before, value: box.value };
      });
      const { messages } = result;
      assert.match(messages.notTextarea, /<textarea>/);
      assert.match(messages.noReview, /review/);
      assert.match(messages.emptyReview, /text/i);
      assert.match(messages.badPlatform, /platform/i);
      assert.match(messages.badFill, /fill/);
      assert.match(messages.detachedBox, /not in the document/);
      assert.match(messages.twice, /already has a reply assistant/);
      assert.equal(result.added, 0);

      // Text the linter refuses (over its 2 MB limit) is reported in place, and the next text is checked again.
      const refused = await page.evaluate(() => {
        const box = document.getElementById('own');
        const handle = window.admin.attachReplyAssistant(box, { review: { text: 'Late again.' }, fill: 'never' });
        box.value = 'Sorry. '.repeat(320_000);
        let thrown = null;
        try {
          handle.lint();
        } catch (error) {
          thrown = error.message;
        }
        const seen = {
          thrown,
          summary: document.querySelector('.rl-reply__summary').textContent,
          issues: document.querySelectorAll('.rl-reply__issue').length,
          marks: document.querySelectorAll('.rl-reply-mark').length,
        };
        box.value = 'Please remove your review.';
        seen.after = handle.lint().ok;
        seen.summaryAfter = document.querySelector('.rl-reply__summary').textContent;
        handle.detach();
        return seen;
      });
      assert.match(refused.thrown ?? '', /2 MB/);
      assert.equal(refused.summary, `The reply could not be checked: ${refused.thrown}`);
      assert.equal(refused.issues, 0);
      assert.equal(refused.marks, 0);
      assert.equal(refused.after, false);
      assert.match(refused.summaryAfter, /Fix the errors/);
    } finally {
      await close();
    }
  });

  test('works inside a shadow root: its sheet is adopted there, and taken away on detach', async () => {
    const { page, close } = await openBare();
    try {
      const result = await page.evaluate(async () => {
        const host = document.createElement('div');
        document.body.append(host);
        const root = host.attachShadow({ mode: 'open' });
        const box = document.createElement('textarea');
        box.style.font = '16px/1.5 serif';
        box.style.width = '420px';
        root.append(box);
        const handle = window.admin.attachReplyAssistant(box, { review: { text: 'Still waiting for my refund.' }, fill: 'never' });
        box.value = 'Hello. Please remove your review.';
        handle.lint();
        const seen = {
          rootSheets: root.adoptedStyleSheets.length,
          documentSheets: document.adoptedStyleSheets.length,
          marks: [...root.querySelectorAll('.rl-reply-mark')].map((mark) => mark.textContent),
          styled: getComputedStyle(root.querySelector('.rl-reply-mirror')).pointerEvents,
          describedBy: root.getElementById(box.getAttribute('aria-describedby')) !== null,
        };
        handle.detach();
        seen.after = { rootSheets: root.adoptedStyleSheets.length, children: root.childElementCount };
        return seen;
      });
      assert.equal(result.rootSheets, 1);
      assert.equal(result.documentSheets, 0);
      assert.ok(result.marks.some((mark) => /remove your review/.test(mark)), `${result.marks}`);
      assert.equal(result.styled, 'none');
      assert.ok(result.describedBy, 'the summary is found from the textarea');
      assert.deepEqual(result.after, { rootSheets: 0, children: 1 });
    } finally {
      await close();
    }
  });

  test('the marks follow the text when the box scrolls or is resized', async () => {
    const { page, close } = await openBare();
    try {
      await page.evaluate(() => {
        const box = document.getElementById('own');
        box.value = `${'We are sorry your order was late. '.repeat(40)}Please remove your review.`;
        window.handle = window.admin.attachReplyAssistant(box, { review: { text: 'It arrived late.' }, fill: 'never' });
        box.scrollTop = box.scrollHeight;
      });
      const aligned = () => page.evaluate(() => new Promise((resolve) => {
        requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => {
          const box = document.getElementById('own');
          const mirror = document.querySelector('.rl-reply-mirror');
          const a = box.getBoundingClientRect();
          const b = mirror.getBoundingClientRect();
          resolve({
            scroll: [box.scrollTop, mirror.scrollTop],
            size: [a.width - b.width, a.height - b.height, a.left - b.left, a.top - b.top],
            heights: [box.scrollHeight, mirror.scrollHeight],
          });
        })));
      }));
      let state = await aligned();
      assert.ok(state.scroll[0] > 0);
      assert.equal(state.scroll[0], state.scroll[1]);
      // The same lines: scroll heights agree to the pixel (each rounds a fractional line height).
      assert.ok(Math.abs(state.heights[0] - state.heights[1]) <= 1, `heights ${state.heights}`);
      await page.evaluate(() => { document.getElementById('own').style.width = '260px'; });
      state = await aligned();
      for (const delta of state.size) assert.ok(Math.abs(delta) < 0.5, `after resize: ${state.size}`);
      assert.ok(state.heights[0] > 600, 'narrower, so more lines');
      assert.ok(Math.abs(state.heights[0] - state.heights[1]) <= 1, `heights ${state.heights}`);
      // A banner pushes the box down; a hidden box hides the marks, and they come back with it.
      await page.evaluate(() => {
        const banner = document.createElement('p');
        banner.textContent = 'Saved.';
        banner.style.height = '57.5px';
        document.body.prepend(banner);
      });
      state = await aligned();
      for (const delta of state.size) assert.ok(Math.abs(delta) < 0.5, `after a banner: ${state.size}`);
      await page.evaluate(() => { document.getElementById('own').style.display = 'none'; });
      await page.waitForFunction(() => document.querySelector('.rl-reply-mirror').hidden);
      await page.evaluate(() => { document.getElementById('own').style.display = ''; });
      state = await aligned();
      assert.equal(await page.$eval('.rl-reply-mirror', (m) => m.hidden), false);
      for (const delta of state.size) assert.ok(Math.abs(delta) < 0.5, `shown again: ${state.size}`);

      // The last mark sits inside the visible box once scrolled to the end.
      const inside = await page.evaluate(() => {
        const box = document.getElementById('own');
        box.scrollTop = box.scrollHeight;
        box.dispatchEvent(new Event('scroll'));
        const marks = document.querySelectorAll('.rl-reply-mark');
        const last = marks[marks.length - 1].getBoundingClientRect();
        const frame = box.getBoundingClientRect();
        return last.top >= frame.top && last.bottom <= frame.bottom;
      });
      assert.ok(inside);
      await page.evaluate(() => window.handle.detach());
    } finally {
      await close();
    }
  });
});
