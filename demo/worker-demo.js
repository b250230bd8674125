// `make demo`: the whole product through the edge worker (js/worker.js) in
// workerd, via `wrangler dev`, on http://127.0.0.1:8787, with a local webhook
// receiver (demo/receiver.js) standing in for the merchant's support desk and
// alert channel. Prints the pages, a signed hosted-feedback link and an API
// call to try, pushes a few signed sample reviews so alerts arrive, and logs
// every ticket and alert the receiver gets. Ctrl-C stops everything.
//
//   node demo/worker-demo.js    PORT (8787) and RECEIVER_PORT (8788) choose the ports; 0 picks free ones
//
// Every secret is generated here for this run and printed with a "demo-only-"
// prefix: nothing to configure, nothing that works outside this run.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { feedbackLinkToken, signTimestamped } from '../js/lib/signatures.js';
import { DEMO_OPTIONS } from './feedback-endpoint.js';
import { WebhookReceiver } from './receiver.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WRANGLER = `${ROOT}js/node_modules/.bin/wrangler`;
const HOST = '127.0.0.1';
const DEMO_ORDER = 'A-1001';
const LINK_DAYS = 7;

function port(name, fallback) {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number from 0 to 65535, not "${raw}".`);
    process.exit(2);
  }
  return value;
}

/** A port nobody listens on right now (for PORT=0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, HOST, () => {
      const { port: found } = server.address();
      server.close(() => resolve(found));
    });
    server.on('error', reject);
  });
}

const demoSecret = () => `demo-only-${randomBytes(16).toString('hex')}`;
const SECRETS = {
  WEBHOOK_SIGNING_SECRET: demoSecret(),
  REVIEWS_WEBHOOK_SECRET: demoSecret(),
  SHOPIFY_WEBHOOK_SECRET: demoSecret(),
  FEEDBACK_LINK_SECRET: demoSecret(),
  API_KEYS: demoSecret(),
};

/** One line per delivery the receiver keeps. */
function announce(body) {
  if (body?.type === 'feedback.ticket') {
    const t = body.ticket;
    console.log(`[support] ticket for order ${t.orderId}: ${t.priority}; ${t.rootCauses.map((c) => c.id).join(', ') || 'no root cause named'}`);
  } else if (body?.type === 'review.alert') {
    console.log(`[alerts]  ${body.classification.priority} review ${body.review.id ?? ''}: ${body.classification.categories.map((c) => c.id).join(', ') || 'no category'}${body.classification.risks.length ? `; risks ${body.classification.risks.map((r) => r.id).join(', ')}` : ''}`);
  } else {
    console.log('[receiver] a delivery of an unknown type was kept');
  }
}

const workerPort = port('PORT', 8787) || (await freePort());
const receiver = new WebhookReceiver(SECRETS.WEBHOOK_SIGNING_SECRET, { port: port('RECEIVER_PORT', 8788), onDelivery: announce });
try {
  await receiver.start();
} catch (error) {
  console.error(error.code === 'EADDRINUSE'
    ? `Port ${receiver.port} (the webhook receiver) is already in use: stop the other process or run with RECEIVER_PORT=<another port>.`
    : `The webhook receiver could not start: ${error.message}`);
  process.exit(1);
}

const vars = {
  REVIEW_URL: DEMO_OPTIONS.reviewUrl,
  SUPPORT_RESPONSE_TIME: DEMO_OPTIONS.responseTime,
  SHOP_NAME: 'Fernhill Outfitters',
  SUPPORT_WEBHOOK_URL: `${receiver.origin}/support`,
  ALERT_WEBHOOK_URL: `${receiver.origin}/alerts`,
  DELIVERY_RETRY_BASE_MS: '2000',
  DELIVERY_RETRY_MAX_MS: '30000',
  ...SECRETS,
};
// Durable Object storage for this run only: its secrets are new, and the samples pushed below alert again.
const state = mkdtempSync(join(tmpdir(), 'reviewloop-demo-'));
// Its own process group, so stopping the group stops wrangler, workerd and esbuild together.
const wrangler = spawn(WRANGLER, [
  'dev', '--ip', HOST, '--port', String(workerPort), '--persist-to', state,
  '--show-interactive-dev-session=false',
  ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
], {
  cwd: ROOT,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  // DEMO_RECEIVER reaches `make worker-assets` (wrangler's build step): the pages' CSP and demo-receiver.json.
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', DEMO_RECEIVER: receiver.origin },
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (wrangler.exitCode === null && wrangler.signalCode === null) {
    const exited = new Promise((resolve) => wrangler.once('exit', resolve));
    try {
      process.kill(-wrangler.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-wrangler.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  }
  // wrangler may leave workerd behind in its group when it is killed hard.
  try {
    process.kill(-wrangler.pid, 'SIGKILL');
  } catch {
    // The whole group is gone, as it should be.
  }
  await receiver.stop();
  rmSync(state, { recursive: true, force: true });
  process.exit(code);
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
// Last resort if this process dies another way: never leave workerd running.
process.once('exit', () => {
  try {
    process.kill(-wrangler.pid, 'SIGKILL');
  } catch {
    // Nothing left.
  }
});

// Offline here: wrangler cannot fetch the `Request.cf` placeholder, and says so on each start.
const QUIET = /update available|wrangler@|Request\.cf|ENOTFOUND workers\.cloudflare\.com/i;
let output = '';
let ready = false;
const relay = (stream) => (chunk) => {
  const text = String(chunk);
  if (!ready) output += text;
  // wrangler's banner and request lines are noise here; warnings and errors are not.
  for (const line of text.split('\n')) {
    if (/\b(warn|error|✘|▲)/i.test(line) && !QUIET.test(line)) stream.write(`${line}\n`);
  }
};
wrangler.stdout.on('data', relay(process.stdout));
wrangler.stderr.on('data', relay(process.stderr));
wrangler.once('exit', (code, signal) => {
  if (stopping) return;
  console.error(`wrangler dev stopped (${signal ?? `exit ${code}`}).${ready ? '' : `\n${output}`}`);
  stop(code || 1);
});

const origin = `http://${HOST}:${workerPort}`;
const deadline = Date.now() + 180_000;
while (!/Ready on http/.test(output)) {
  if (stopping) await new Promise(() => {}); // exiting
  if (Date.now() > deadline) {
    console.error(`wrangler dev did not start within 3 minutes:\n${output}`);
    await stop(1);
  }
  await new Promise((r) => setTimeout(r, 100));
}
ready = true;

const expires = Math.floor(Date.now() / 1000) + LINK_DAYS * 24 * 3600;
const link = `${origin}/feedback/${encodeURIComponent(DEMO_ORDER)}?t=${await feedbackLinkToken(SECRETS.FEEDBACK_LINK_SECRET, DEMO_ORDER, expires)}`;
console.log(`reviewloop through the Worker (wrangler dev, workerd) on ${origin}
  ${origin}/                   triage: paste or upload reviews (the core runs in the page)
  ${origin}/admin.html         reply inbox with the reply assistant
  ${origin}/dashboard.html     recurring issues, spikes and recoveries
  ${origin}/order-status.html  order-status page: the widget posts to the Worker's /v1/feedback;
                                      tickets the Worker forwards are listed under "Behind the scenes"
  hosted feedback page for order ${DEMO_ORDER} (signed link, valid ${LINK_DAYS} days):
    ${link}
  the API (key required in this demo):
    curl -s ${origin}/v1/classify -H 'Authorization: Bearer ${SECRETS.API_KEYS}' -H 'Content-Type: application/json' -d '{"text":"Arrived broken, still no refund.","rating":1}'
  webhook receiver (support tickets and alerts, signature-checked): ${receiver.origin}/log
  demo-only secrets, generated for this run: ${Object.entries(SECRETS).map(([name, value]) => `${name}=${value}`).join(' ')}
Ctrl-C stops the Worker and the receiver.`);

// A few signed pushes, as a review platform would send them: the urgent and high ones become alerts.
const samples = JSON.parse(readFileSync(new URL('./admin-reviews.json', import.meta.url), 'utf8')).slice(0, 6);
const body = JSON.stringify({ reviews: samples });
const { timestamp, signature } = await signTimestamped(SECRETS.REVIEWS_WEBHOOK_SECRET, body);
try {
  const pushed = await fetch(`${origin}/v1/reviews/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Timestamp': timestamp, 'X-Signature': signature },
    body,
  });
  const result = await pushed.json();
  console.log(pushed.ok
    ? `pushed ${result.received} sample reviews to /v1/reviews/webhook (signed): ${result.alerted} sent on as alerts`
    : `the sample push was refused: ${result.error?.message}`);
} catch (error) {
  console.error(`the sample push failed: ${error.message}`);
}
