// HMAC-SHA256 signatures with WebCrypto, so the same code runs in the Worker,
// in Node 20+ and in a merchant's own receiver. One place for every scheme:
// Shopify's webhooks, the timestamped scheme reviewloop speaks both ways, and
// the hosted feedback page's links.

const encoder = new TextEncoder();

/** @param {string} secret */
function hmacKey(secret, usages) {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, usages);
}

/** @param {string | Uint8Array} data */
const bytes = (data) => (typeof data === 'string' ? encoder.encode(data) : data);

const toHex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

function fromHex(text) {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function toBase64(buffer) {
  let binary = '';
  for (const b of new Uint8Array(buffer)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Standard or URL-safe base64, padded or not; null when it is not base64. */
function fromBase64(text) {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard)) return null;
  try {
    const binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const toBase64Url = (buffer) => toBase64(buffer).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function sign(secret, data) {
  return crypto.subtle.sign('HMAC', await hmacKey(secret, ['sign']), bytes(data));
}

/** WebCrypto's verify compares in constant time, so no timing tells how much of a guess was right. */
async function verify(secret, signature, data) {
  if (signature === null || signature.byteLength !== 32) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(secret, ['verify']), signature, bytes(data));
}

/**
 * Shopify's scheme: `X-Shopify-Hmac-Sha256` is the base64 HMAC of the raw body.
 * @param {string} secret the app's client secret
 * @param {Uint8Array} body the raw body, exactly as received
 * @param {string | null} header
 */
export function verifyShopify(secret, body, header) {
  return verify(secret, header === null ? null : fromBase64(header.trim()), body);
}

/** @returns {Promise<string>} the `X-Shopify-Hmac-Sha256` value for a body (for senders and tests) */
export async function signShopify(secret, body) {
  return toBase64(await sign(secret, body));
}

/** What the timestamped scheme signs: the timestamp, a dot, then the raw body. */
function timestamped(timestamp, body) {
  const head = encoder.encode(`${timestamp}.`);
  const data = new Uint8Array(head.length + body.length);
  data.set(head);
  data.set(body, head.length);
  return data;
}

/**
 * The timestamped scheme, used for reviews pushed to us and for every ticket
 * and alert we send: `X-Timestamp` (Unix seconds) and
 * `X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`.
 * @param {string} secret
 * @param {string | Uint8Array} body
 * @param {number} [timestamp] Unix seconds; now when omitted
 * @returns {Promise<{ timestamp: string, signature: string }>}
 */
export async function signTimestamped(secret, body, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = toHex(await sign(secret, timestamped(String(timestamp), bytes(body))));
  return { timestamp: String(timestamp), signature: `sha256=${signature}` };
}

/**
 * Checks a timestamped signature. Replays within the window are the caller's
 * to catch (the Worker remembers every signature it accepted).
 * @param {string} secret
 * @param {Uint8Array} body
 * @param {{ timestamp: string | null, signature: string | null, windowSeconds: number, now?: number }} received
 * @returns {Promise<'ok' | 'missing' | 'stale' | 'bad'>}
 */
export async function verifyTimestamped(secret, body, { timestamp, signature, windowSeconds, now = Date.now() }) {
  if (timestamp === null || signature === null) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp.trim())) return 'bad';
  if (Math.abs(now / 1000 - Number(timestamp)) > windowSeconds) return 'stale';
  const hex = signature.trim().replace(/^sha256=/, '');
  return (await verify(secret, fromHex(hex), timestamped(timestamp.trim(), body))) ? 'ok' : 'bad';
}

/** What a feedback link's token signs: the order and the expiry, so neither can be changed. */
const linkPayload = (orderId, expires) => `feedback-link\n${orderId}\n${expires}`;

/**
 * The token of a hosted feedback page link (`/feedback/{order}?t=TOKEN`):
 * `<expiry in Unix seconds>.<base64url HMAC-SHA256 of the order and expiry>`.
 * @param {string} secret the merchant's `FEEDBACK_LINK_SECRET`
 * @param {string} orderId
 * @param {number} expires Unix seconds after which the link stops working
 */
export async function feedbackLinkToken(secret, orderId, expires) {
  return `${expires}.${toBase64Url(await sign(secret, linkPayload(orderId, expires)))}`;
}

/**
 * @returns {Promise<'ok' | 'missing' | 'malformed' | 'expired' | 'bad'>}
 */
export async function verifyFeedbackLinkToken(secret, orderId, token, now = Date.now()) {
  if (token === null || token === '') return 'missing';
  const found = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!found) return 'malformed';
  const expires = Number(found[1]);
  // The signature is checked before the expiry, so a forged expiry reads as tampering.
  if (!(await verify(secret, fromBase64(found[2]), linkPayload(orderId, expires)))) return 'bad';
  return expires * 1000 < now ? 'expired' : 'ok';
}

/** SHA-256 of text, as hex: a fixed-size name for a payload or a signature. */
export async function sha256Hex(text) {
  return toHex(await crypto.subtle.digest('SHA-256', bytes(text)));
}
