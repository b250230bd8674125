// The browser suites' feedback endpoint (demo/server.js): the edge worker's
// /v1/feedback contract, in memory, plus what only a test needs to see: every
// request (duplicates included) and review-link clicks. `make demo` runs the
// Worker itself; this stays for the widget suite (README, "Demo endpoint").
//   POST /v1/feedback                { idempotencyKey, answers } → assessed again here, a ticket recorded when unhappy
//   POST /api/feedback/invite-click  { orderId, idempotencyKey, url } → a review-invitation click recorded
//   POST /v1/feedback/click           the same (the Worker's path, which the order-status page uses)
//   GET  /api/feedback/log           everything recorded, for the order-status page and the tests
import { assessFeedback, init } from '../js/index.js';

/** The same settings the demo page gives the widget (demo/order-status.html); `make demo` gives them to the Worker. */
export const DEMO_OPTIONS = {
  reviewUrl: 'https://reviews.example.com/write/reviewloop-demo',
  responseTime: 'within 4 hours',
};

const MAX_BODY_BYTES = 64 * 1024;

const log = {
  /** Every POST /v1/feedback that reached us, duplicates included. */
  requests: 0,
  /** One entry per idempotency key: the answers and the verdict. */
  submissions: [],
  tickets: [],
  inviteClicks: [],
};
/** idempotency key → the response already given. */
const answered = new Map();

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error('The request body is larger than 64 KB.'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function readJson(req) {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error('The body is not JSON.'), { status: 400 });
  }
}

async function receiveFeedback(req, res) {
  log.requests += 1;
  const body = await readJson(req);
  const key = body?.idempotencyKey;
  if (typeof key !== 'string' || key === '' || key.length > 200) {
    json(res, 400, { error: 'Send `idempotencyKey` (a string of at most 200 characters) with the answers.' });
    return;
  }
  const header = req.headers['idempotency-key'];
  if (header !== undefined && header !== key) {
    json(res, 400, { error: 'The Idempotency-Key header and the body\'s idempotencyKey differ.' });
    return;
  }
  if (answered.has(key)) {
    json(res, 200, answered.get(key)); // a retry: same answer, no second ticket
    return;
  }
  try {
    await init();
  } catch (error) {
    json(res, 503, { error: `${error.message} Run \`make build\` first.` });
    return;
  }
  let assessment;
  try {
    assessment = assessFeedback(body.answers, DEMO_OPTIONS); // never trust the client's verdict
  } catch (error) {
    json(res, 422, { error: error.message });
    return;
  }
  const at = new Date().toISOString();
  log.submissions.push({ idempotencyKey: key, at, answers: body.answers, unhappy: assessment.unhappy, reasons: assessment.reasons });
  if (assessment.ticket) log.tickets.push({ idempotencyKey: key, at, ...assessment.ticket });
  const response = {
    received: true,
    ticket: assessment.ticket !== null,
    invitation: assessment.invitation,
    ...(assessment.followUp ? { followUp: assessment.followUp } : {}),
  };
  answered.set(key, response);
  json(res, 200, response);
}

async function recordInviteClick(req, res) {
  const body = await readJson(req);
  if (typeof body?.orderId !== 'string' || body.orderId === '') {
    json(res, 400, { error: 'Send the `orderId` the invitation was shown for.' });
    return;
  }
  log.inviteClicks.push({
    orderId: body.orderId,
    idempotencyKey: typeof body.idempotencyKey === 'string' ? body.idempotencyKey : null,
    url: typeof body.url === 'string' ? body.url : null,
    at: new Date().toISOString(),
  });
  res.writeHead(204).end();
}

const ROUTES = {
  'POST /v1/feedback': receiveFeedback,
  'POST /api/feedback/invite-click': recordInviteClick,
  // The Worker's path for the same beacon, which the order-status page names.
  'POST /v1/feedback/click': recordInviteClick,
  'GET /api/feedback/log': (req, res) => json(res, 200, log),
};

/**
 * Handles the feedback API's requests; returns false for any other path so
 * the static server carries on.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @returns {Promise<boolean>}
 */
export async function handleFeedbackApi(req, res) {
  const pathname = (req.url ?? '/').split(/[?#]/, 1)[0];
  if (pathname !== '/v1/feedback' && !pathname.startsWith('/api/feedback')) return false;
  const route = ROUTES[`${req.method} ${pathname}`];
  if (route === undefined) {
    const allowed = Object.keys(ROUTES).filter((r) => r.endsWith(` ${pathname}`)).map((r) => r.split(' ')[0]);
    json(res, allowed.length ? 405 : 404, { error: allowed.length ? `Use ${allowed.join(' or ')}.` : 'No such feedback route.' });
    return true;
  }
  try {
    await route(req, res);
  } catch (error) {
    if (!res.headersSent) json(res, error.status ?? 500, { error: error.status ? error.message : 'Internal server error.' });
    if (!error.status) console.error(error);
  }
  return true;
}
