// Shared by the Worker suites: js/worker.js running in workerd (through
// miniflare's API, configured as wrangler.toml configures it), and a webhook
// receiver on loopback that can be stopped, slowed and brought back
// (demo/receiver.js, the one `make demo` runs).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { WebhookReceiver } from '../../demo/receiver.js';

const require = createRequire(new URL('../../js/package.json', import.meta.url));
const { Miniflare } = require('miniflare');

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DATA = new URL('../../../shared/data/', import.meta.url);
export const SECRETS = {
  WEBHOOK_SIGNING_SECRET: 'test-outbound-secret',
  SHOPIFY_WEBHOOK_SECRET: 'test-shopify-secret',
  REVIEWS_WEBHOOK_SECRET: 'test-reviews-secret',
  FEEDBACK_LINK_SECRET: 'test-link-secret',
};
export const REVIEW_URL = 'https://shop.example/reviews/write';
export const STORE_ORIGIN = 'https://store.example';

/** The compatibility settings of wrangler.toml, read from it so the tests run what deploys. */
function wranglerConfig() {
  const toml = readFileSync(new URL('wrangler.toml', `file://${ROOT}`), 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flags = [...(/^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(date, 'wrangler.toml has a compatibility_date');
  return { date, flags };
}

/**
 * Starts the Worker in workerd.
 * @param {Record<string, string>} [vars] environment on top of the test secrets
 * @param {object} [extra] further miniflare options (e.g. `durableObjectsPersist`)
 * @returns {Promise<{ mf: any, url: URL, logs: string[], fetch: (path: string, init?: RequestInit) => Promise<Response>,
 *   restart: (vars: Record<string, string>) => Promise<void>, dispose: () => Promise<void> }>}
 */
export async function startWorker(vars = {}, extra = {}) {
  // Durable Object storage on tmpfs when there is one: miniflare's default is a
  // temporary directory on disk, whose fsyncs, not the Worker, then set the pace.
  let scratch = null;
  if (extra.durableObjectsPersist === undefined && existsSync('/dev/shm')) {
    scratch = mkdtempSync(join('/dev/shm', 'reviewloop-worker-'));
    extra = { ...extra, durableObjectsPersist: scratch };
  }
  const options = workerOptions(vars, extra);
  const mf = new Miniflare(options);
  const worker = {
    mf,
    url: await mf.ready,
    logs: options.logs,
    // Straight to workerd's socket over loopback, as any client would come.
    fetch: (path, init) => fetch(new URL(path, worker.url), init),
    /** A new workerd with another environment, as a redeploy with new settings; persisted storage carries over. */
    restart: async (newVars) => {
      const next = workerOptions(newVars, extra, options.logs);
      await mf.setOptions(next);
      worker.url = await mf.ready;
    },
    dispose: async () => {
      await mf.dispose();
      if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
    },
  };
  return worker;
}

function workerOptions(vars, extra, logs = []) {
  const { date, flags } = wranglerConfig();
  const options = {
    // The Worker's console output is kept for the tests to read, not printed between results.
    handleRuntimeStdio(stdout, stderr) {
      stdout.on('data', (chunk) => logs.push(String(chunk)));
      stderr.on('data', (chunk) => logs.push(String(chunk)));
    },
    modules: true,
    scriptPath: `${ROOT}js/worker.js`,
    modulesRoot: `${ROOT}js`,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] }, // as wrangler's default rule imports it
    ],
    compatibilityDate: date,
    compatibilityFlags: flags,
    durableObjects: { OUTBOX: { className: 'Outbox', useSQLite: true } }, // new_sqlite_classes, as wrangler.toml declares it
    bindings: {
      REVIEW_URL,
      ALLOWED_ORIGINS: STORE_ORIGIN,
      DELIVERY_RETRY_BASE_MS: '100',
      DELIVERY_RETRY_MAX_MS: '800',
      DELIVERY_TIMEOUT_MS: '1500',
      ...SECRETS,
      ...vars,
    },
    host: '127.0.0.1',
    port: 0,
    ...extra,
  };
  Object.defineProperty(options, 'logs', { value: logs, enumerable: false });
  return options;
}

/** A POST with a JSON body. */
export function postJson(body, headers = {}) {
  return { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) };
}

/**
 * Checks an error answer: status, code, a message that says what to fix, and
 * no stack trace or internal path.
 */
export async function assertError(response, status, code) {
  const text = await response.text();
  assert.equal(response.status, status, `status for ${text}`);
  assert.match(response.headers.get('Content-Type') ?? '', /^application\/json/);
  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
  assert.equal(body.error.code, code, `code for ${text}`);
  assert.ok(body.error.message.length > 20, `a message that says what to fix: ${body.error.message}`);
  assert.doesNotMatch(text, /\bat \S+ \(|\.js:\d+|node_modules|Error:/, 'no stack trace');
  return body.error;
}

/** The isolate still serves: a good review classifies after whatever came before. */
export async function assertStillServes(worker) {
  const response = await worker.fetch('/v1/classify', postJson({ id: 'alive', text: 'The lamp arrived broken and the shade was crushed.' }));
  assert.equal(response.status, 200);
  const result = await response.json();
  assert.equal(result.id, 'alive');
  assert.ok(result.categories.some((c) => c.id === 'damaged_in_transit'));
}

/** demo/receiver.js with the test secret, and a wait that fails naming what is missing. */
export class Receiver extends WebhookReceiver {
  constructor(secret = SECRETS.WEBHOOK_SIGNING_SECRET) {
    super(secret);
  }

  /** Waits until every key has been received, or fails naming the missing ones. */
  async waitFor(keys, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = keys.filter((k) => !this.received.has(k));
      if (missing.length === 0) return;
      if (Date.now() > deadline) assert.fail(`not delivered within ${timeoutMs} ms: ${missing.join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Every process below `pid` (children, grandchildren…), from /proc: the
 * workerd a test or bench started, and what a demo must leave behind on exit.
 * @param {number} pid
 * @returns {number[]}
 */
export function descendants(pid) {
  const found = [];
  const read = (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const walk = (parent) => {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return; // gone meanwhile
    }
    for (const task of tasks) {
      for (const child of read(`/proc/${parent}/task/${task}/children`).split(' ').filter(Boolean)) {
        found.push(Number(child));
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}
