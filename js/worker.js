// reviewloop on Cloudflare Workers (workerd): the HTTP API over the same wasm
// core as every other surface, the webhook that triages pushed reviews, the
// feedback widget's endpoint and the hosted feedback page. Configuration comes
// from the Worker's environment (README, "The edge worker").
import wasm from './pkg/reviewloop_bg.wasm';
import * as reviewloop from './index.js';
import { reviewFromObject } from './lib/records.js';
import { sha256Hex, verifyShopify, verifyTimestamped } from './lib/signatures.js';
import { requireApiKey } from './worker/api-key.js';
import { required, settings } from './worker/config.js';
import { assessFeedback, readAnswers } from './worker/feedback.js';
import { errorPage, feedbackPage } from './worker/feedback-page.js';
import { HttpError, corsHeaders, drainBody, errorResponse, expectObject, json, kindOf, parseJson, preflight, readBody } from './worker/http.js';
import { outboxFor } from './worker/outbox.js';
import { trapWasm } from './worker/test-hooks.js';

export { Outbox } from './worker/outbox.js';

/** Priorities that page a person: sent on to the merchant's alert webhook. */
const ALERT_PRIORITIES = new Set(['urgent', 'high']);
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Each route: its handler per method, whether browsers may call it from other
 * origins, and whether it takes the API key (when API_KEYS is set). The
 * widget's endpoint does not: it runs in customers' browsers, which cannot keep
 * a secret; the webhook has its signatures and the hosted page its token.
 */
const ROUTES = {
  '/v1/classify': { methods: { POST: classifyRoute }, cors: true, apiKey: true },
  '/v1/classify/batch': { methods: { POST: classifyBatchRoute }, cors: true, apiKey: true },
  '/v1/draft': { methods: { POST: draftRoute }, cors: true, apiKey: true },
  '/v1/lint': { methods: { POST: lintRoute }, cors: true, apiKey: true },
  '/v1/reviews/webhook': { methods: { POST: reviewsWebhookRoute }, cors: false, apiKey: false },
  '/v1/feedback': { methods: { POST: feedbackRoute }, cors: true, apiKey: false },
  // The widget's beacon when a customer follows the review link; counted, never gating.
  '/v1/feedback/click': { methods: { POST: clickRoute }, cors: true, apiKey: false },
  // The counts, for the merchant: keyed like the other merchant routes.
  '/v1/feedback/clicks': { methods: { GET: clicksRoute }, cors: true, apiKey: true },
};
const FEEDBACK_PAGE = /^\/feedback\/([^/]+)$/;

export default {
  /**
   * @param {Request} request
   * @param {Record<string, any>} env
   * @param {ExecutionContext} ctx
   */
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    try {
      await reviewloop.init(wasm); // once per isolate: later calls return the same promise
      if (env.REVIEWLOOP_TEST_HOOKS === 'wasm-trap' && url.pathname.startsWith('/__test/')) return await testHook(url, request);
      const page = FEEDBACK_PAGE.exec(url.pathname);
      if (page !== null) return await pageRoute(request, url, page[1], env);
      const route = ROUTES[url.pathname];
      if (route === undefined) {
        const listed = Object.entries(ROUTES).map(([path, r]) => `${Object.keys(r.methods).join('/')} ${path}`).join(', ');
        throw new HttpError(404, 'not_found', `There is no ${url.pathname}: the API's routes are ${listed} and GET /feedback/{order}.`);
      }
      const methods = Object.keys(route.methods).join(', ');
      const config = settings(env);
      if (request.method === 'OPTIONS' && route.cors) return preflight(request, config.allowedOrigins, methods);
      const handler = route.methods[request.method];
      if (handler === undefined) {
        throw new HttpError(405, 'method_not_allowed', `${url.pathname} takes ${methods}, not ${request.method}.`, { Allow: route.cors ? `${methods}, OPTIONS` : methods });
      }
      const cors = route.cors ? corsHeaders(request, config.allowedOrigins) : {};
      try {
        if (route.apiKey) await requireApiKey(request, config);
        const response = await handler(request, env, config, ctx);
        for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
        return response;
      } catch (error) {
        if (error instanceof HttpError) error.headers = { ...error.headers, ...cors };
        throw error;
      }
    } catch (error) {
      await drainBody(request);
      if (error instanceof HttpError) return errorResponse(error);
      // Never a stack trace to the caller; the log keeps it for the merchant.
      console.error(`${request.method} ${url.pathname} failed:`, error?.stack ?? error);
      if (trapped(error)) {
        // The instance may hold half-done state: the next request gets a fresh one (about 1 ms).
        const count = reviewloop.rebuild();
        console.error(`the wasm core trapped (${error.message}): its instance was rebuilt from the compiled module (rebuild ${count} in this isolate)`);
      }
      return errorResponse(new HttpError(500, 'internal_error', 'The Worker could not handle this request; nothing was kept from it. Try again, and report it if it goes on.'));
    }
  },
};

/**
 * Whether an error left the wasm instance unusable: a trap, or the stack
 * running out inside it (its stack pointer is then never restored).
 */
const trapped = (error) => error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/i.test(error.message));

/**
 * Test-only routes, there only when REVIEWLOOP_TEST_HOOKS is `wasm-trap`
 * (never in wrangler.toml): `POST /__test/wasm-trap` makes the live instance
 * trap; `GET /__test/wasm` tells how often it was rebuilt.
 */
async function testHook(url, request) {
  if (url.pathname === '/__test/wasm-trap' && request.method === 'POST') trapWasm();
  if (url.pathname === '/__test/wasm' && request.method === 'GET') return json({ rebuilds: reviewloop.rebuilds() });
  throw new HttpError(404, 'not_found', `There is no test hook ${request.method} ${url.pathname}.`);
}

/** A JSON body, read within the size limit. */
async function readJson(request, config) {
  return parseJson(request, await readBody(request, config.maxBodyBytes));
}

/** Runs a core call; the core's refusals (thrown `Error`s with a sentence) become 422s. */
function core(code, call) {
  try {
    return call();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    // A RuntimeError is the wasm itself failing, not the input: a 500, logged.
    if (error instanceof WebAssembly.RuntimeError || !(error instanceof Error)) throw error;
    throw new HttpError(422, code, error.message);
  }
}

async function classifyRoute(request, env, config) {
  const review = expectObject(await readJson(request, config), 'The body', '{ "text": "Arrived broken.", "rating": 1 }');
  return json(core('invalid_review', () => reviewloop.classify(review)));
}

async function classifyBatchRoute(request, env, config) {
  const body = await readJson(request, config);
  const reviews = Array.isArray(body) ? body : body?.reviews;
  if (!Array.isArray(reviews)) {
    throw new HttpError(422, 'invalid_field', `The body must be an array of reviews, or { "reviews": [...] }, not ${kindOf(body)}${Array.isArray(body) ? '' : ' without `reviews`'}.`);
  }
  if (reviews.length === 0) throw new HttpError(422, 'invalid_field', 'The batch is empty: send at least one review.');
  if (reviews.length > config.maxBatchReviews) {
    throw new HttpError(413, 'batch_too_large', `A batch may hold up to ${config.maxBatchReviews} reviews, not ${reviews.length}: split it into several requests.`);
  }
  return json(core('invalid_review', () => reviewloop.classifyBatch(reviews)));
}

async function draftRoute(request, env, config) {
  const body = expectObject(await readJson(request, config), 'The body', '{ "review": { "text": "…" }, "options": { "brand": "…" } }');
  if (body.review === undefined) throw new HttpError(422, 'missing_field', 'The body has no `review`: send `{ "review": { "text": "…" }, "options": { … } }`.');
  expectObject(body.review, '`review`', '{ "text": "Arrived broken.", "rating": 1 }');
  const options = body.options === undefined ? {} : expectObject(body.options, '`options`', '{ "brand": "Acme", "support": "help@acme.example" }');
  return json(core('invalid_request', () => reviewloop.draftReply(body.review, options)));
}

async function lintRoute(request, env, config) {
  const body = expectObject(await readJson(request, config), 'The body', '{ "text": "Thanks for your review…", "options": {} }');
  if (body.text === undefined) throw new HttpError(422, 'missing_field', 'The body has no `text`: send the reply to check as `{ "text": "…" }`.');
  if (typeof body.text !== 'string') throw new HttpError(422, 'invalid_field', `\`text\` must be a string (the reply to check), not ${kindOf(body.text)}.`);
  const options = body.options === undefined ? {} : expectObject(body.options, '`options`', '{ "platform": "google" }');
  return json(core('invalid_request', () => reviewloop.lintReply(body.text, options)));
}

/**
 * Checks who sent a pushed review: Shopify's scheme when its header is there,
 * otherwise the timestamped scheme, whose signatures are each accepted once.
 */
async function authenticateWebhook(request, env, config, body) {
  const shopify = request.headers.get('X-Shopify-Hmac-Sha256');
  if (shopify !== null) {
    const secret = required(env, 'SHOPIFY_WEBHOOK_SECRET', "verifies Shopify's X-Shopify-Hmac-Sha256 signatures");
    if (!(await verifyShopify(secret, body, shopify))) {
      throw new HttpError(401, 'bad_signature', 'X-Shopify-Hmac-Sha256 does not match the body: sign the raw body, unchanged, with the app secret set as SHOPIFY_WEBHOOK_SECRET.');
    }
    return;
  }
  const signature = request.headers.get('X-Signature');
  const timestamp = request.headers.get('X-Timestamp');
  if (signature === null && timestamp === null) {
    throw new HttpError(401, 'missing_signature', 'The request is not signed: send X-Shopify-Hmac-Sha256 (Shopify) or X-Timestamp and X-Signature (HMAC-SHA256 of "<timestamp>.<body>").');
  }
  const secret = required(env, 'REVIEWS_WEBHOOK_SECRET', 'verifies X-Signature on pushed reviews');
  const verdict = await verifyTimestamped(secret, body, { timestamp, signature, windowSeconds: config.replayWindowSeconds });
  if (verdict === 'missing') {
    throw new HttpError(401, 'missing_signature', 'Send both X-Timestamp (Unix seconds) and X-Signature (sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">).');
  }
  if (verdict === 'stale') {
    throw new HttpError(401, 'stale_timestamp', `X-Timestamp is more than ${config.replayWindowSeconds} seconds from now: sign each request when you send it, with the current time (check the sender's clock).`);
  }
  if (verdict === 'bad') {
    throw new HttpError(401, 'bad_signature', 'X-Signature does not match: sign "<X-Timestamp>.<raw body>" with HMAC-SHA256 and the secret set as REVIEWS_WEBHOOK_SECRET, and send it as sha256=<hex>.');
  }
  const name = `signature:${signature.trim()}`;
  const seen = await outboxFor(env, name).claim({
    key: name,
    fingerprint: 'seen',
    response: null,
    keepForMs: config.replayWindowSeconds * 2000, // past the window the timestamp check refuses it anyway
  });
  if (seen.replayed || seen.conflict) {
    throw new HttpError(401, 'replayed', 'This signature was already used: each request needs a fresh X-Timestamp and signature.');
  }
}

/** The reviews a webhook carries: one review, `{ review }`, `{ reviews: [...] }` or an array. */
function webhookReviews(payload) {
  const list = Array.isArray(payload) ? payload : payload?.reviews ?? (payload?.review !== undefined ? [payload.review] : [payload]);
  if (!Array.isArray(list) || list.length === 0) {
    throw new HttpError(422, 'invalid_field', 'The webhook carries no review: send a review object, `{ "review": {…} }` or `{ "reviews": [...] }`.');
  }
  return list;
}

async function reviewsWebhookRoute(request, env, config) {
  const body = await readBody(request, config.maxBodyBytes);
  await authenticateWebhook(request, env, config, body);
  const list = webhookReviews(parseJson(request, body));
  if (list.length > config.maxBatchReviews) {
    throw new HttpError(413, 'batch_too_large', `A webhook may carry up to ${config.maxBatchReviews} reviews, not ${list.length}: send them in several calls.`);
  }
  const results = [];
  for (const entry of list) {
    const read = reviewFromObject(entry);
    if (read.error !== undefined) {
      results.push({ id: read.id, error: read.error });
      continue;
    }
    const { review } = read;
    let classification;
    try {
      classification = core('invalid_review', () => reviewloop.classify(review));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      results.push({ id: review.id ?? null, error: error.message });
      continue;
    }
    const alerted = ALERT_PRIORITIES.has(classification.priority);
    if (alerted) {
      // Keyed by content: the same review pushed twice (platform retries) alerts once.
      const key = `alert:${await sha256Hex(JSON.stringify(review))}`;
      await outboxFor(env, key).claim({
        key,
        fingerprint: key,
        response: null,
        delivery: { key, destination: 'alert', payload: { type: 'review.alert', review, classification, receivedAt: new Date().toISOString() } },
        keepForMs: config.idempotencyRetentionMs,
      });
    }
    results.push({ id: classification.id, priority: classification.priority, alerted });
  }
  const refused = results.filter((r) => r.error !== undefined).length;
  if (refused === results.length) {
    const reasons = results.slice(0, 5).map((r) => `${r.id ?? '(no id)'}: ${r.error}`).join(' ');
    throw new HttpError(422, 'invalid_review', `No review in this webhook could be read. ${reasons}`);
  }
  return json({ received: results.length - refused, refused, alerted: results.filter((r) => r.alerted).length, results });
}

async function feedbackRoute(request, env, config) {
  const reviewUrl = required(env, 'REVIEW_URL', 'is the public review link every customer is offered');
  const body = expectObject(await readJson(request, config), 'The body', '{ "idempotencyKey": "…", "answers": { "orderId": "1001" } }');
  const header = request.headers.get('Idempotency-Key');
  const key = header ?? body.idempotencyKey;
  if (key === undefined || key === null) {
    throw new HttpError(422, 'missing_field', 'The request has no idempotency key: send `idempotencyKey` in the body (and the `Idempotency-Key` header), unique per answered form.');
  }
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new HttpError(422, 'invalid_field', '`idempotencyKey` must be 1 to 255 visible ASCII characters (a UUID is a good choice).');
  }
  if (header !== null && body.idempotencyKey !== undefined && body.idempotencyKey !== header) {
    throw new HttpError(422, 'invalid_field', 'The `Idempotency-Key` header and `idempotencyKey` in the body differ: send the same key in both.');
  }
  const answers = readAnswers(body);
  // Re-decided here from the answers alone: a verdict sent by the browser is never trusted.
  const options = { reviewUrl };
  if (typeof env.SUPPORT_RESPONSE_TIME === 'string' && env.SUPPORT_RESPONSE_TIME !== '') options.responseTime = env.SUPPORT_RESPONSE_TIME;
  const assessment = core('invalid_answers', () => assessFeedback(answers, options));
  const response = { received: true, ticket: assessment.ticket !== null, invitation: assessment.invitation };
  if (assessment.ticket !== null) response.followUp = assessment.followUp ?? followUp(env, answers.orderId);
  const name = `feedback:${key}`;
  const outcome = await outboxFor(env, name).claim({
    key: name,
    fingerprint: await sha256Hex(JSON.stringify(answers)),
    response,
    delivery: assessment.ticket === null ? null : {
      key: name,
      destination: 'support',
      payload: { type: 'feedback.ticket', idempotencyKey: key, reasons: assessment.reasons, ticket: assessment.ticket, receivedAt: new Date().toISOString() },
    },
    keepForMs: config.idempotencyRetentionMs,
  });
  if (outcome.conflict) {
    throw new HttpError(422, 'idempotency_key_reused', 'This idempotency key was already used for other answers: use a new key for each answered form.');
  }
  return json(outcome.response, 200, outcome.replayed ? { 'Idempotent-Replayed': 'true' } : {});
}

const ORDER_ID_LIMIT = 200;

/** An order id as a click names it: a non-empty string of at most ORDER_ID_LIMIT characters. */
function orderIdFrom(value, where) {
  if (value === undefined || value === null) throw new HttpError(422, 'missing_field', `${where} has no \`orderId\`: send the order the invitation was shown for.`);
  if (typeof value !== 'string') throw new HttpError(422, 'invalid_field', `\`orderId\` must be a string (the order's id), not ${kindOf(value)}.`);
  if (value.trim() === '' || value.length > ORDER_ID_LIMIT) {
    throw new HttpError(422, 'invalid_field', `\`orderId\` must be 1 to ${ORDER_ID_LIMIT} characters, not ${value.length}: send the order's id as the page shows it.`);
  }
  return value;
}

/**
 * A click on the review link, as the widget's beacon reports it
 * (`{ orderId, idempotencyKey, url }`, sent as text/plain by sendBeacon).
 * Counted once per answered form (its idempotency key); it never changes who
 * is invited or what they see.
 */
async function clickRoute(request, env, config) {
  const body = expectObject(parseJson(request, await readBody(request, config.maxBodyBytes), ['application/json', 'text/plain']), 'The body', '{ "orderId": "1001", "idempotencyKey": "…" }');
  const orderId = orderIdFrom(body.orderId, 'The body');
  const key = body.idempotencyKey ?? '';
  if (typeof key !== 'string' || (key !== '' && !IDEMPOTENCY_KEY.test(key))) {
    throw new HttpError(422, 'invalid_field', '`idempotencyKey` must be the answered form\'s key: 1 to 255 visible ASCII characters (or empty when there was none).');
  }
  const outcome = await outboxFor(env, `click:${orderId}`).click({ orderId, clickKey: key, keepForMs: config.idempotencyRetentionMs });
  return json({ orderId, clicks: outcome.clicks }, 200, outcome.replayed ? { 'Idempotent-Replayed': 'true' } : {});
}

/** `GET /v1/feedback/clicks?orderId=…`: how many answered forms' review links were followed for an order. */
async function clicksRoute(request, env) {
  const orderId = orderIdFrom(new URL(request.url).searchParams.get('orderId'), 'The query');
  const { clicks } = await outboxFor(env, `click:${orderId}`).clicks(orderId);
  return json({ orderId, clicks });
}

/** What an unhappy customer is told happens next (the review invitation stays beside it). */
function followUp(env, orderId) {
  const when = typeof env.SUPPORT_RESPONSE_TIME === 'string' && env.SUPPORT_RESPONSE_TIME !== '' ? ` ${env.SUPPORT_RESPONSE_TIME}` : ' soon';
  return `Thank you for telling us. Our support team will contact you about order ${orderId}${when}.`;
}

async function pageRoute(request, url, encodedOrder, env) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new HttpError(405, 'method_not_allowed', `${url.pathname} takes GET, not ${request.method}.`, { Allow: 'GET, HEAD' });
  }
  try {
    const page = await feedbackPage(url, encodedOrder, env);
    return request.method === 'HEAD' ? new Response(null, { headers: page.headers }) : page;
  } catch (error) {
    // A person following a link gets a page; a script gets the JSON error.
    if (error instanceof HttpError && (request.headers.get('Accept') ?? '').includes('text/html')) return errorPage(error);
    throw error;
  }
}
