// Optional API keys for the API routes (classify, batch, draft, lint): when
// API_KEYS is set, each call must carry `Authorization: Bearer <key>` with one
// of them. Keys are compared as SHA-256 digests, byte by byte without an early
// exit and against every key, so the time taken says nothing about how close a
// guess was. Unset, the routes stay open (README, "Configuration").
import { HttpError } from './http.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="reviewloop"' };
const BEARER = /^Bearer +(\S+) *$/i;
const encoder = new TextEncoder();

/** Each settings object's key digests, computed once per isolate. */
const digests = new WeakMap();

const sha256 = async (text) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));

/** Constant-time equality of two 32-byte digests. */
function same(a, b) {
  let diff = 0;
  for (let i = 0; i < 32; i += 1) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Refuses a call without one of the configured keys (401, JSON error, with a
 * `WWW-Authenticate` challenge); does nothing when no key is configured.
 * @param {Request} request
 * @param {{ apiKeys: string[] }} config
 */
export async function requireApiKey(request, config) {
  if (config.apiKeys.length === 0) return;
  const header = request.headers.get('Authorization');
  if (header === null) {
    throw new HttpError(401, 'missing_api_key', "This API needs a key: send `Authorization: Bearer <key>` with one of the keys set as the Worker's API_KEYS.", CHALLENGE);
  }
  const bearer = BEARER.exec(header);
  if (bearer === null) {
    throw new HttpError(401, 'invalid_api_key', 'The Authorization header must read `Bearer <key>` (the word Bearer, a space, then the key).', CHALLENGE);
  }
  let known = digests.get(config);
  if (known === undefined) {
    known = Promise.all(config.apiKeys.map(sha256));
    digests.set(config, known);
  }
  const presented = await sha256(bearer[1]);
  let matched = 0;
  for (const key of await known) matched |= same(presented, key) ? 1 : 0;
  if (matched === 0) {
    throw new HttpError(401, 'invalid_api_key', "This API key is not one of the Worker's API_KEYS: check it for a typo, or ask for the current key if it was rotated.", CHALLENGE);
  }
}
