// The hosted feedback page (`GET /feedback/{order}?t=TOKEN`): what a
// post-delivery email or SMS links to. The token is signed with the
// merchant's FEEDBACK_LINK_SECRET and binds the order and an expiry, so a
// link can be neither moved to another order nor kept alive.
import { verifyFeedbackLinkToken } from '../lib/signatures.js';
import { required } from './config.js';
import { invitation } from './feedback.js';
import { HttpError } from './http.js';

/**
 * Only our own scripts (the widget and its wasm) and our own endpoint; the
 * token sits in the URL, so no Referer may carry it elsewhere.
 */
export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** The order in the path, decoded; refused when it is empty, undecodable or too long. */
function orderFrom(encoded) {
  let orderId;
  try {
    orderId = decodeURIComponent(encoded);
  } catch {
    throw new HttpError(404, 'not_found', 'This feedback link is broken: the order in it cannot be read. Use the link from your email or message as it is.');
  }
  if (orderId.trim() === '' || orderId.length > 200) {
    throw new HttpError(404, 'not_found', 'This feedback link is broken: it names no order. Use the link from your email or message as it is.');
  }
  return orderId;
}

const REFUSALS = {
  missing: [403, 'missing_token', 'This feedback link has no token (`?t=`): use the full link from your email or message.'],
  malformed: [403, 'invalid_token', 'This feedback link has been cut or changed: use the full link from your email or message.'],
  bad: [403, 'invalid_token', 'This feedback link has been changed or belongs to another order: use the link from your email or message as it is.'],
  expired: [403, 'link_expired', 'This feedback link has expired: ask the shop for a new one.'],
};

/**
 * @param {URL} url
 * @param {string} encodedOrder the `{order}` segment as it appears in the path
 * @param {Record<string, unknown>} env
 */
export async function feedbackPage(url, encodedOrder, env) {
  const orderId = orderFrom(encodedOrder);
  const secret = required(env, 'FEEDBACK_LINK_SECRET', 'signs the links to the hosted feedback page');
  const reviewUrl = required(env, 'REVIEW_URL', 'is the public review link every customer is offered');
  const verdict = await verifyFeedbackLinkToken(secret, orderId, url.searchParams.get('t'));
  if (verdict !== 'ok') throw new HttpError(...REFUSALS[verdict]);
  const invite = invitation(reviewUrl); // the same for everyone; also without scripts
  const shop = typeof env.SHOP_NAME === 'string' && env.SHOP_NAME !== '' ? env.SHOP_NAME : 'our shop';
  const attributes = [
    ['order-id', orderId],
    ['endpoint', '/v1/feedback'],
    ['review-url', reviewUrl],
    ...(typeof env.SUPPORT_RESPONSE_TIME === 'string' && env.SUPPORT_RESPONSE_TIME !== '' ? [['response-time', env.SUPPORT_RESPONSE_TIME]] : []),
  ].map(([name, value]) => ` ${name}="${escapeHtml(value)}"`).join('');
  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <link rel="icon" href="data:,">
  <title>How was your order? · ${escapeHtml(shop)}</title>
  <script type="module" src="/js/widget.js"></script>
</head>
<body>
  <main>
    <h1>How was your order?</h1>
    <p>Order ${escapeHtml(orderId)} · ${escapeHtml(shop)}</p>
    <reviewloop-feedback${attributes}></reviewloop-feedback>
    <noscript><p><a href="${escapeHtml(invite.url)}">${escapeHtml(invite.text)}</a></p></noscript>
  </main>
</body>
</html>
`;
  return new Response(html, { status: 200, headers: PAGE_HEADERS });
}

/** The same refusals as a page, for a person who followed a link in a browser. */
export function errorPage(error) {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Link not valid</title></head>
<body><main><h1>This link can't be used</h1><p>${escapeHtml(error.message)}</p></main></body>
</html>
`;
  return new Response(html, { status: error.status, headers: { ...PAGE_HEADERS, 'X-Error-Code': error.code } });
}
