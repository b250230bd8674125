// assessFeedback, the decision the widget and the edge worker share
// (notes/feedback-contract.md): invented answers for the contract's edges,
// real reviews from ../shared/data as customers' comments for its behaviour.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';

import { assessFeedback, init } from '../../js/index.js';
import { parseRecords } from '../../js/lib/records.js';
import { DATA, TAXONOMY } from './helpers.mjs';

const OPTIONS = { reviewUrl: 'https://reviews.example.com/write/shop' };
const INVITATION = { url: OPTIONS.reviewUrl, text: 'Tell other shoppers about your experience.' };

before(() => init());

/** Checks an assessment's shape against the contract, whatever the answers. */
function assertAssessment(result, answers) {
  assert.equal(typeof result.unhappy, 'boolean');
  assert.deepEqual(result.invitation, INVITATION, 'the same invitation for everyone');
  assert.equal(result.unhappy, result.reasons.length > 0);
  assert.equal(result.ticket !== null, result.unhappy);
  if (result.ticket) {
    const t = result.ticket;
    assert.equal(t.orderId, answers.orderId);
    assert.deepEqual(t.answers, answers);
    for (const c of t.rootCauses) {
      assert.ok(TAXONOMY.categories.has(c.id), c.id);
      assert.ok(c.confidence > 0 && c.confidence <= 1);
    }
    for (const r of t.risks) assert.ok(TAXONOMY.risks.has(r), r);
    assert.ok(TAXONOMY.priorities.has(t.priority), t.priority);
    assert.ok(t.suggestedResponse.length > 40);
    assert.match(result.followUp, /^Help is on its way/);
  } else {
    assert.equal(result.followUp, undefined);
  }
}

/** Real reviews of the given stars, as comments with that satisfaction. */
async function realComments(stars, count) {
  const text = await readFile(new URL('womens_clothing/reviews_dev.csv', DATA), 'utf8');
  return parseRecords(text)
    .map((r) => r.review)
    .filter((r) => r && r.rating === stars && r.text.length > 20)
    .slice(0, count);
}

describe('assessFeedback', () => {
  test('happy and unhappy answers: a ticket only for the unhappy, the invitation for both', () => {
    const happy = { orderId: 'A-1', arrivedAsExpected: true, deliverySmooth: true, satisfaction: 5, needsHelp: false, comment: 'Fits perfectly.' };
    const unhappy = {
      orderId: 'A-2', arrivedAsExpected: false, satisfaction: 1, needsHelp: true,
      comment: 'Arrived broken and I was charged twice.', carrier: 'DPD',
    };
    const h = assessFeedback(happy, OPTIONS);
    assertAssessment(h, happy);
    assert.equal(h.unhappy, false);
    const u = assessFeedback(unhappy, OPTIONS);
    assertAssessment(u, unhappy);
    assert.deepEqual(u.reasons.slice(0, 3), ['not_as_expected', 'low_satisfaction', 'needs_help']);
    const causes = u.ticket.rootCauses.map((c) => c.id);
    assert.ok(causes.includes('billing'), causes.join());
    assert.equal(u.ticket.priority, 'high');
  });

  test('gating options are refused with the rule named; other bad options say what to fix', () => {
    const answers = { orderId: 'A-3', satisfaction: 2 };
    for (const gate of [{ hideReviewLinkWhenUnhappy: true }, { reviewInvite: 'happy-only' }, { reviewLinkDelay: 3600 }, { reviewOnlyIfHappy: 'yes' }]) {
      assert.throws(() => assessFeedback(answers, { ...OPTIONS, ...gate }), (e) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /review gating is not allowed/);
        assert.match(e.message, new RegExp(Object.keys(gate)[0]));
        return true;
      });
    }
    assert.throws(() => assessFeedback(answers, {}), /no review link/);
    assert.throws(() => assessFeedback(answers, { reviewUrl: 'shop.example/reviews' }), /not an https URL/);
    assert.throws(() => assessFeedback(answers, { ...OPTIONS, locale: 'klingon!' }), /not a language tag/);
    assert.throws(() => assessFeedback(answers, { ...OPTIONS, locale: 'fr' }), /`fr` has no built-in strings/);
    assert.throws(() => assessFeedback(answers, null), /could not be read/);
  });

  test('bad answers are refused with what to fix', () => {
    assert.throws(() => assessFeedback({ satisfaction: 3 }, OPTIONS), /no order id/);
    assert.throws(() => assessFeedback({ orderId: 'A', satisfaction: 9 }, OPTIONS), /whole number from 1 to 5/);
    assert.throws(() => assessFeedback({ orderId: 'A', satisfaction: 'five' }, OPTIONS), /could not be read/);
    assert.throws(() => assessFeedback({ orderId: 'A', comment: 'x'.repeat(5001) }, OPTIONS), /limit is 5000/);
    assert.throws(() => assessFeedback('A-1', OPTIONS), /could not be read/);
  });

  test('real 1-star reviews as comments make unhappy customers; 5-star ones mostly do not', async () => {
    const bad = await realComments(1, 60);
    const good = await realComments(5, 60);
    assert.ok(bad.length >= 50 && good.length >= 50);
    let unhappy = 0;
    for (const [i, r] of bad.entries()) {
      const answers = { orderId: `R-${i}`, comment: r.text }; // the comment alone, no star answer
      const result = assessFeedback(answers, OPTIONS);
      assertAssessment(result, answers);
      if (result.unhappy) unhappy += 1;
    }
    let happyFlagged = 0;
    for (const [i, r] of good.entries()) {
      const answers = { orderId: `G-${i}`, satisfaction: 5, comment: r.text };
      const result = assessFeedback(answers, OPTIONS);
      assertAssessment(result, answers);
      if (result.unhappy) happyFlagged += 1;
    }
    console.log(`one-star comments read as unhappy: ${unhappy} of ${bad.length}; five-star (satisfaction 5) read as unhappy: ${happyFlagged} of ${good.length}`);
    assert.ok(unhappy / bad.length >= 0.6, `${unhappy} of ${bad.length} one-star comments read as unhappy`);
    assert.ok(happyFlagged / good.length <= 0.25, `${happyFlagged} of ${good.length} five-star comments read as unhappy`);
  });
});
