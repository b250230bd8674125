// Post-delivery feedback: how the Worker decides whether a customer is unhappy.
// The decision belongs to the core's `assessFeedback` (the widget's work, see
// the feedback contract). Until js/index.js exports it, `provisionalAssessment`
// stands in; the line below picks the core's as soon as it is there.
import * as reviewloop from '../index.js';
import { HttpError, kindOf } from './http.js';

/** @type {(answers: object, options: object) => Assessment} */
export const assessFeedback = typeof reviewloop.assessFeedback === 'function' ? reviewloop.assessFeedback : provisionalAssessment;

/**
 * @typedef {{ unhappy: boolean, reasons: string[], ticket: null | object, invitation: { url: string, text: string } }} Assessment
 */

/** The same neutral words for every customer, whatever they answered (compliance.md: no review gating); the core's wording. */
const INVITATION_TEXT = 'Tell other shoppers about your experience.';

const PRIORITY_RANK = { low: 0, normal: 1, high: 2, urgent: 3 };
const ANSWER_TYPES = {
  orderId: 'string', arrivedAsExpected: 'boolean', deliverySmooth: 'boolean', satisfaction: 'number',
  needsHelp: 'boolean', comment: 'string', product: 'string', sku: 'string', variant: 'string',
  carrier: 'string', region: 'string', warehouse: 'string', locale: 'string',
};

/**
 * The provisional rule (documented in the README): a customer is unhappy when
 * the order did not arrive as expected, the delivery was not smooth, the
 * satisfaction is 1 or 2 of 5, they ask for help, or their comment reads
 * negative or raises a risk flag other than personal data alone.
 * @param {Record<string, unknown>} answers
 * @param {{ reviewUrl: string }} options
 * @returns {Assessment}
 */
export function provisionalAssessment(answers, options) {
  for (const [name, type] of Object.entries(ANSWER_TYPES)) {
    const value = answers[name];
    if (value !== undefined && value !== null && typeof value !== type) {
      throw new Error(`The answer \`${name}\` must be a ${type}, not ${kindOf(value)}.`);
    }
  }
  if (typeof answers.orderId !== 'string' || answers.orderId.trim() === '') {
    throw new Error('The answers have no order: pass `orderId` (a non-empty string).');
  }
  const { satisfaction } = answers;
  if (satisfaction !== undefined && satisfaction !== null && !(Number.isInteger(satisfaction) && satisfaction >= 1 && satisfaction <= 5)) {
    throw new Error(`\`satisfaction\` must be a whole number from 1 to 5, not ${satisfaction}.`);
  }

  const reasons = [];
  if (answers.arrivedAsExpected === false) reasons.push('not_as_expected');
  if (answers.deliverySmooth === false) reasons.push('delivery_problem');
  if (typeof satisfaction === 'number' && satisfaction <= 2) reasons.push('low_satisfaction');
  if (answers.needsHelp === true) reasons.push('needs_help');

  const comment = typeof answers.comment === 'string' ? answers.comment.trim() : '';
  let classification = null;
  if (comment !== '') {
    classification = reviewloop.classify({ text: comment, ...(typeof satisfaction === 'number' ? { rating: satisfaction } : {}) });
    if (classification.sentiment.label === 'negative') reasons.push('negative_comment');
    if (classification.risks.some((r) => r.id !== 'personal_data')) reasons.push('risk_in_comment');
  }

  const unhappy = reasons.length > 0;
  let ticket = null;
  if (unhappy) {
    let priority = classification?.priority ?? 'normal';
    if (PRIORITY_RANK[priority] < PRIORITY_RANK.normal) priority = 'normal';
    if (answers.needsHelp === true && PRIORITY_RANK[priority] < PRIORITY_RANK.high) priority = 'high';
    ticket = {
      orderId: answers.orderId,
      answers,
      rootCauses: (classification?.categories ?? []).map(({ id, confidence }) => ({ id, confidence })),
      risks: (classification?.risks ?? []).map((r) => r.id),
      priority,
      comment: comment === '' ? null : comment,
      suggestedResponse: null,
    };
  }
  return { unhappy, reasons, ticket, invitation: { url: options.reviewUrl, text: INVITATION_TEXT } };
}

/**
 * The review invitation every customer gets, as the assessment words it.
 * @param {string} reviewUrl
 * @returns {{ url: string, text: string }}
 */
export function invitation(reviewUrl) {
  return assessFeedback({ orderId: 'invitation' }, { reviewUrl }).invitation;
}

/** Answers as the request carried them, checked only for what the route itself needs. */
export function readAnswers(body) {
  const answers = body.answers;
  if (answers === undefined) {
    throw new HttpError(422, 'missing_field', 'The body has no `answers`: send `{ "idempotencyKey": "…", "answers": { "orderId": "…", … } }`.');
  }
  if (answers === null || typeof answers !== 'object' || Array.isArray(answers)) {
    throw new HttpError(422, 'invalid_field', `\`answers\` must be an object like { "orderId": "1001", "satisfaction": 4 }, not ${kindOf(answers)}.`);
  }
  return answers;
}
