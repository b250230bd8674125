// Post-delivery feedback: the decision is the core's `assessFeedback` (the
// feedback contract); this module adds what the Worker's routes need around it.
import { assessFeedback } from '../index.js';
import { HttpError, kindOf } from './http.js';

export { assessFeedback };

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
