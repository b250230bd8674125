// draftReply and lintReply in JavaScript, and `reviewloop draft` / `lint`:
// shapes of interfaces.md, UTF-16 spans, errors a merchant can act on, and
// drafts for real unhappy reviews from ../shared/data.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';

import { draftReply, init, lintReply } from '../../js/index.js';
import { parseRecords } from '../../js/lib/records.js';
import { DATA, cli } from './helpers.mjs';

before(() => init());

const SEVERITIES = new Set(['error', 'warning', 'suggestion']);

/** The lint result shape of interfaces.md, with spans inside `text`. */
function assertLint(result, text) {
  assert.deepEqual(Object.keys(result).sort(), ['issues', 'ok']);
  assert.equal(result.ok, !result.issues.some((i) => i.severity === 'error'));
  for (const issue of result.issues) {
    assert.match(issue.ruleId, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(SEVERITIES.has(issue.severity), issue.severity);
    assert.ok(issue.message.length > 20 && issue.source.length > 5, JSON.stringify(issue));
    assert.ok(Number.isInteger(issue.start) && issue.start <= issue.end && issue.end <= text.length, JSON.stringify(issue));
    if ('suggestion' in issue) assert.equal(typeof issue.suggestion, 'string');
  }
}

describe('draftReply', () => {
  test('names the issue, apologises and moves to the support channel', () => {
    const review = { id: 'r1', text: 'Arrived crushed 📦 and I am still waiting for my refund.', rating: 1, product: 'Teapot' };
    const draft = draftReply(review, { brand: 'Acme', support: 'care@acme.example', platform: 'google' });
    assert.equal(draft.id, 'r1');
    assert.match(draft.reply, /crushed/);
    assert.match(draft.reply, /refund/);
    assert.match(draft.reply, /sorry|apolog/i);
    assert.match(draft.reply, /care@acme\.example/);
    assert.match(draft.reply, /Acme/);
    assert.equal(draft.escalated, false);
    assert.ok(draft.variants >= 2 && draft.variant < draft.variants);
    assertLint(draft.lint, draft.reply);
    assert.equal(draft.lint.ok, true);
  });

  test('is deterministic, and variant cycles through other wordings', () => {
    const review = { text: 'The parcel came two weeks late.' };
    const first = draftReply(review, { variant: 0 });
    assert.deepEqual(draftReply(review, { variant: 0 }), first);
    const texts = new Set(Array.from({ length: first.variants }, (_, v) => draftReply(review, { variant: v }).reply));
    assert.equal(texts.size, first.variants);
    assert.equal(draftReply(review, { variant: first.variants }).reply, first.reply);
  });

  test('a safety report is acknowledged and escalated, with no liability or compensation', () => {
    const draft = draftReply({ text: 'The charger caught fire and burned my daughter.' }, { support: 'care@acme.example' });
    assert.equal(draft.escalated, true);
    assert.match(draft.reply, /safety team/);
    assert.doesNotMatch(draft.reply, /fault|liab|responsib|refund|compensat|replacement/i);
  });

  test('Amazon replies carry no link and no name', () => {
    const draft = draftReply({ text: 'Wrong size sent.' }, { support: 'https://acme.example/help', platform: 'amazon', displayName: 'Priya' });
    assert.doesNotMatch(draft.reply, /https?:|Priya/);
    assert.match(draft.reply, /message we've sent you|private message/);
  });

  test('bad reviews and options are refused with a message that says what to fix', () => {
    assert.throws(() => draftReply({ text: '' }), /no text/);
    assert.throws(() => draftReply({ text: 'late' }, { tone: 'angry' }), /`tone` must be "warm" or "formal"/);
    assert.throws(() => draftReply({ text: 'late' }, { platform: 'yelp' }), /`platform` must be one of/);
    assert.throws(() => draftReply({ text: 'late' }, { suport: 'x@y.z' }), /unknown option `suport`/);
    assert.throws(() => draftReply({ text: 'late' }, { support: 'ring Bob' }), /`support` must be an email address or an https link/);
    assert.throws(() => draftReply({ text: 'late' }, { variant: 1.5 }), /`variant` must be a whole number/);
    assert.throws(() => draftReply({ text: 'late' }, 'formal'), /reply options could not be used/);
    assert.throws(() => draftReply('late'), /expected an object/);
  });
});

describe('lintReply', () => {
  test('finds each problem at its place, in UTF-16 offsets', () => {
    const text = 'Thanks 🙏. Please remove your review and we will refund you. Your order #88231 was lost by the courier.';
    const result = lintReply(text, { platform: 'google' });
    assertLint(result, text);
    assert.equal(result.ok, false);
    const at = (id) => result.issues.filter((i) => i.ruleId === id).map((i) => text.slice(i.start, i.end));
    assert.deepEqual(at('review-change-request'), ['Please remove your review and we will refund you. ']);
    assert.deepEqual(at('incentive-for-review'), ['Please remove your review and we will refund you. ']);
    assert.ok(at('personal-data').some((s) => s.includes('88231')), JSON.stringify(result.issues));
    assert.ok(at('blame').some((s) => /courier/.test(s)));
    const removal = result.issues.find((i) => i.ruleId === 'review-change-request');
    assert.equal(removal.suggestion, '');
    assert.match(removal.source, /Amazon|Trustpilot|Google/);
  });

  test('with the review, checks that the reply names its issue and goes private', () => {
    const review = { text: 'My refund still has not arrived after a month.' };
    const vague = lintReply('We are sorry for any inconvenience.', { review });
    assert.deepEqual(vague.issues.map((i) => i.ruleId).sort(), ['boilerplate-apology', 'ignores-the-issue', 'no-private-channel']);
    const fix = vague.issues.find((i) => i.ruleId === 'boilerplate-apology').suggestion;
    assert.match(fix, /refund/);
    const good = lintReply('We are sorry your refund is late. Please email care@acme.example and we will chase it.', { review, support: 'care@acme.example' });
    assert.deepEqual(good.issues, []);
  });

  test('a reply over the platform limit is an error that says by how much', () => {
    const text = 'We are sorry your parcel was late. '.repeat(130);
    const issue = lintReply(text, { platform: 'google' }).issues.find((i) => i.ruleId === 'platform-length');
    assert.equal(issue.severity, 'error');
    assert.match(issue.message, /4096/);
    assert.equal(issue.start, 4096);
    assert.equal(issue.end, text.length);
  });

  test('refuses what is not a reply', () => {
    assert.throws(() => lintReply(42), /expects the reply text as a string/);
    assert.throws(() => lintReply('ok', { review: { text: 5 } }), /could not be/);
  });
});

describe('real unhappy reviews', () => {
  test('every draft for 200 one- and two-star clothing reviews passes its own linter', async () => {
    const text = await readFile(new URL('womens_clothing/reviews_dev.csv', DATA), 'utf8');
    const unhappy = parseRecords(text).filter((r) => r.review?.text?.trim() && r.review.rating <= 2).slice(0, 200);
    assert.equal(unhappy.length, 200);
    for (const { review } of unhappy) {
      const draft = draftReply(review, { brand: 'Shop', support: 'care@shop.example' });
      assert.equal(draft.lint.ok, true, draft.reply);
      assert.ok(draft.reply.length < 900, draft.reply);
      assert.match(draft.reply, /care@shop\.example/);
    }
  });
});

describe('reviewloop draft and lint', () => {
  test('draft writes { id, reply, lint } a line, in order, and goes on past a bad line', async () => {
    const input = [
      JSON.stringify({ id: 'a', text: 'Never arrived.' }),
      JSON.stringify({ id: 'b', text: '' }),
      'not json',
      JSON.stringify({ id: 'c', text: 'Fits perfectly!', rating: 5 }),
    ].join('\n');
    const run = await cli(['draft', '--brand', 'Acme', '--support', 'care@acme.example', '--platform', 'trustpilot'], input);
    assert.equal(run.status, 1);
    const lines = run.lines;
    assert.deepEqual(lines.map((l) => l.id), ['a', 'b', null, 'c']);
    assert.match(lines[0].reply, /hasn't reached you/);
    assert.equal(lines[0].lint.ok, true);
    assert.match(lines[1].error, /no text/);
    assert.match(lines[2].error, /not valid JSON/);
    assert.match(lines[3].reply, /fit/);
  });

  test('lint writes { id, ok, issues } a line', async () => {
    const input = [
      JSON.stringify({ id: 1, text: 'Update your review and we will send a coupon.' }),
      JSON.stringify({ id: 2, text: 'Thank you, we are glad it fits.' }),
    ].join('\n');
    const run = await cli(['lint', '--platform', 'amazon'], input);
    assert.equal(run.status, 0);
    const [bad, good] = run.lines;
    assert.equal(bad.id, '1');
    assert.equal(bad.ok, false);
    assert.ok(bad.issues.some((i) => i.ruleId === 'incentive-for-review'));
    assert.deepEqual(good, { id: '2', ok: true, issues: [] });
  });

  test('a bad option stops the run before reading, with status 2', async () => {
    const run = await cli(['draft', '--platform', 'myspace'], '{"text":"late"}');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /`platform` must be one of generic, amazon, google, trustpilot, shopify/);
    assert.equal(run.stdout, '');
  });
});
