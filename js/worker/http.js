// Requests in, responses out: JSON bodies read within a size limit, errors as
// `{ error: { code, message } }`, CORS for the routes a browser calls.

/** A refusal the caller can act on: its status, a stable code and a sentence saying what to fix. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {Record<string, string>} [headers]
   */
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };

/** @param {unknown} value @param {number} [status] @param {Record<string, string>} [headers] */
export function json(value, status = 200, headers = {}) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...headers },
  });
}

/** @param {HttpError} error */
export function errorResponse(error) {
  return json({ error: { code: error.code, message: error.message } }, error.status, error.headers);
}

/**
 * The raw body, refused with 413 past `limit` bytes whether or not the sender
 * declared its length (a chunked upload is counted as it arrives).
 * @param {Request} request
 * @param {number} limit
 * @returns {Promise<Uint8Array>}
 */
export async function readBody(request, limit) {
  const tooLarge = () =>
    new HttpError(413, 'body_too_large', `The body is larger than the limit of ${limit} bytes: send less per request (split a batch into several).`);
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  if (request.body === null) return new Uint8Array(0);
  // A declared length within the limit is what HTTP framing delivers: one
  // native read, about half the time of the chunk loop below for a typical review.
  if (declared !== null && /^\d+$/.test(declared)) {
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.byteLength > limit) throw tooLarge(); // a body longer than it said
    return body;
  }
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await discard(reader, size);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/** Past this many bytes a body we will not use is cut off rather than read to its end. */
const DISCARD_CAP = 1_048_576;

/**
 * Reads and drops the rest of a body. workerd resets a keep-alive connection
 * whose request body was left unread, and a client still sending then sees a
 * broken pipe instead of our answer (a 413 among them); reading on lets it
 * finish and read the answer. Bodies past DISCARD_CAP are cut off anyway.
 * @param {ReadableStreamDefaultReader<Uint8Array>} reader
 * @param {number} seen bytes already read
 */
async function discard(reader, seen) {
  let total = seen;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > DISCARD_CAP) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The sender went away: nothing left to keep usable.
  }
}

/**
 * Drops a body the answer did not need (404, 405, 403, a declared length over
 * the limit), so the connection stays usable and the client reads the answer.
 * @param {Request} request
 */
export async function drainBody(request) {
  if (request.body === null || request.bodyUsed) return;
  const declared = Number(request.headers.get('Content-Length') ?? NaN);
  if (declared <= DISCARD_CAP) {
    await request.arrayBuffer().catch(() => {}); // one native read; a sender gone away leaves nothing to keep
    return;
  }
  await discard(request.body.getReader(), 0);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a JSON body, after checking it is declared as JSON (or as one of
 * `types`: a beacon's JSON comes as `text/plain`, all `sendBeacon` can send
 * without a preflight).
 * @param {Request} request
 * @param {Uint8Array} body
 * @param {string[]} [types]
 */
export function parseJson(request, body, types = ['application/json']) {
  const type = (request.headers.get('Content-Type') ?? '').split(';', 1)[0].trim().toLowerCase();
  if (!types.includes(type)) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `The body must be JSON sent with \`Content-Type: application/json\`, not ${type === '' ? 'no content type' : `\`${type}\``}.`,
    );
  }
  if (body.byteLength === 0) throw new HttpError(400, 'invalid_json', 'The body is empty: send a JSON object.');
  let text;
  try {
    text = decoder.decode(body);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid UTF-8: send JSON encoded as UTF-8.');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `The body is not valid JSON (${error.message}): check quotes, commas and brackets.`);
  }
}

/** A JSON object (not an array, not null), or a 422 naming what was expected. */
export function expectObject(value, what, example) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new HttpError(422, 'invalid_field', `${what} must be a JSON object like ${example}, not ${kind}.`);
  }
  return value;
}

/** The kind of a JSON value, as a message names it. */
export const kindOf = (value) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

/**
 * CORS for the browser-facing routes: an `Origin` listed in `allowed`, or the
 * Worker's own origin, may call; any other origin is refused outright (403),
 * not merely left without headers. Requests without `Origin` (servers, curl) pass.
 * @param {Request} request
 * @param {Set<string>} allowed
 * @returns {Record<string, string>} the headers to add to the response
 */
export function corsHeaders(request, allowed) {
  const origin = request.headers.get('Origin');
  if (origin === null) return {};
  if (origin !== new URL(request.url).origin && !allowed.has(origin) && !allowed.has('*')) {
    throw new HttpError(
      403,
      'origin_not_allowed',
      `Requests from ${origin} are not allowed: add it to ALLOWED_ORIGINS in the Worker's environment.`,
      { Vary: 'Origin' },
    );
  }
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/** The answer to a CORS preflight (`OPTIONS`) from an allowed origin. */
export function preflight(request, allowed, methods) {
  const headers = corsHeaders(request, allowed);
  return new Response(null, {
    status: 204,
    headers: {
      ...headers,
      Allow: `${methods}, OPTIONS`,
      'Access-Control-Allow-Methods': `${methods}, OPTIONS`,
      'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key, Authorization',
      'Access-Control-Max-Age': '86400',
    },
  });
}
