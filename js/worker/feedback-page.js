// The hosted feedback page (`GET /feedback/{order}?t=TOKEN`): what a
// post-delivery email or SMS links to. The token is signed with the
// merchant's FEEDBACK_LINK_SECRET and binds the order and an expiry, so a
// link can be neither moved to another order nor kept alive.
import { verifyFeedbackLinkToken } from '../lib/signatures.js';
import { required } from './config.js';
import { invitation } from './feedback.js';
import { HttpError } from './http.js';

/**
 * The page's look, inline so the page needs no file beside the Worker, and
 * allowed by its hash in the CSP (no 'unsafe-inline'). The widget themes
 * itself from the --reviewloop-* properties and draws its own box; the
 * question ("How was your order?") and the time it takes are the widget's
 * to say, so the page's heading only names the order.
 */
const STYLE = `
:root {
  --reviewloop-accent: #2f4f8f;
  --reviewloop-focus: #2f4f8f;
  --reviewloop-selected: #e8eef9;
  --reviewloop-radius: 10px;
  --reviewloop-background: #ffffff;
  --reviewloop-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color-scheme: light;
}
* { box-sizing: border-box; }
body {
  margin: 0;
  min-height: 100vh;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.5;
  color: #1f2328;
  background: #f4f5f7;
}
header { background: #ffffff; border-bottom: 1px solid #d0d7de; padding: 0.9rem 0; }
header p { max-width: 36rem; margin: 0 auto; padding: 0 1rem; font-weight: 700; font-size: 1.05rem; }
main { max-width: 36rem; margin: 0 auto; padding: 1.25rem 1rem 2.5rem; }
h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 1rem; color: #4d5761; font-weight: 600; }
reviewloop-feedback { display: block; }
.card {
  background: #ffffff;
  border: 1px solid #d0d7de;
  border-radius: 12px;
  padding: 1.25rem;
  box-shadow: 0 1px 2px rgba(31, 35, 40, 0.06);
}
a { color: #2f4f8f; }
a:focus-visible { outline: 3px solid #bf8700; outline-offset: 2px; }
@media (max-width: 30rem) { main { padding: 1rem 0.75rem 2rem; } header p { padding: 0 0.75rem; } .card { padding: 1rem; } }
`;

let styleHash = null;

/** The CSP source that allows STYLE, `'sha256-<base64>'`, worked out once per isolate. */
async function styleSource() {
  if (styleHash === null) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(STYLE));
    styleHash = `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`;
  }
  return styleHash;
}

/**
 * Only our own scripts (the widget and its wasm), our own style and our own
 * endpoints; the token sits in the URL, so no Referer may carry it elsewhere.
 */
export async function pageHeaders() {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self' 'wasm-unsafe-eval'",
      `style-src 'self' ${await styleSource()}`,
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
}

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
    ['invite-click-endpoint', '/v1/feedback/click'],
    ...(typeof env.SUPPORT_RESPONSE_TIME === 'string' && env.SUPPORT_RESPONSE_TIME !== '' ? [['response-time', env.SUPPORT_RESPONSE_TIME]] : []),
  ].map(([name, value]) => ` ${name}="${escapeHtml(value)}"`).join('');
  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <link rel="icon" href="data:,">
  <title>Order ${escapeHtml(orderId)} · ${escapeHtml(shop)}</title>
  <style>${STYLE}</style>
  <script type="module" src="/js/widget.js"></script>
</head>
<body>
  <header><p>${escapeHtml(shop)}</p></header>
  <main>
    <h1>Your order ${escapeHtml(orderId)}</h1>
    <reviewloop-feedback${attributes}></reviewloop-feedback>
    <noscript><p class="card"><a href="${escapeHtml(invite.url)}">${escapeHtml(invite.text)}</a></p></noscript>
  </main>
</body>
</html>
`;
  return new Response(html, { status: 200, headers: await pageHeaders() });
}

/** The same refusals as a page, for a person who followed a link in a browser. */
export async function errorPage(error) {
  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="data:,">
  <title>Link not valid</title>
  <style>${STYLE}</style>
</head>
<body>
  <main>
    <div class="card">
      <h1>This link can't be used</h1>
      <p>${escapeHtml(error.message)}</p>
    </div>
  </main>
</body>
</html>
`;
  return new Response(html, { status: error.status, headers: { ...(await pageHeaders()), 'X-Error-Code': error.code } });
}
