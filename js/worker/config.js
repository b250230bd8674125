// The Worker's configuration, read from its environment (wrangler.toml `[vars]`
// for plain settings, `wrangler secret put` for secrets). The README lists
// every name; this is the one place that reads them.
import { HttpError } from './http.js';

/** Defaults where the environment says nothing. */
const DEFAULTS = {
  MAX_BODY_BYTES: 1_048_576,
  MAX_BATCH_REVIEWS: 1000,
  REPLAY_WINDOW_SECONDS: 300,
  DELIVERY_TIMEOUT_MS: 10_000,
  DELIVERY_RETRY_BASE_MS: 5_000,
  DELIVERY_RETRY_MAX_MS: 3_600_000,
  IDEMPOTENCY_RETENTION_SECONDS: 7 * 24 * 3600,
};

function number(env, name) {
  const raw = env[name];
  if (raw === undefined || raw === '') return DEFAULTS[name];
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new HttpError(500, 'misconfigured', `The Worker's ${name} must be a positive number, not "${raw}": fix it in wrangler.toml or the dashboard.`);
  }
  return value;
}

/** A comma-separated setting as its non-empty, trimmed items. */
const list = (raw) => String(raw ?? '').split(',').map((item) => item.trim()).filter(Boolean);

const cache = new WeakMap();

/**
 * The settings of one environment, read once per isolate.
 * @param {Record<string, unknown>} env
 */
export function settings(env) {
  let found = cache.get(env);
  if (found === undefined) {
    found = {
      maxBodyBytes: number(env, 'MAX_BODY_BYTES'),
      maxBatchReviews: number(env, 'MAX_BATCH_REVIEWS'),
      replayWindowSeconds: number(env, 'REPLAY_WINDOW_SECONDS'),
      deliveryTimeoutMs: number(env, 'DELIVERY_TIMEOUT_MS'),
      retryBaseMs: number(env, 'DELIVERY_RETRY_BASE_MS'),
      retryMaxMs: number(env, 'DELIVERY_RETRY_MAX_MS'),
      idempotencyRetentionMs: number(env, 'IDEMPOTENCY_RETENTION_SECONDS') * 1000,
      allowedOrigins: new Set(list(env.ALLOWED_ORIGINS)),
      // Several keys, so one can be rotated out while callers move to the next.
      apiKeys: list(env.API_KEYS),
    };
    cache.set(env, found);
  }
  return found;
}

/**
 * A setting the route cannot work without: a 500 that names it, so the
 * merchant knows what to set (the value itself is never echoed).
 * @param {Record<string, unknown>} env
 * @param {string} name
 * @param {string} purpose
 */
export function required(env, name, purpose) {
  const value = env[name];
  if (typeof value !== 'string' || value === '') {
    throw new HttpError(500, 'not_configured', `This Worker has no ${name}, which ${purpose}: set it in the Worker's environment (\`wrangler secret put ${name}\`, or .dev.vars locally).`);
  }
  return value;
}
