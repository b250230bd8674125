// A merchant's webhook receiver on loopback: where the Worker sends support
// tickets (feedback) and alerts (urgent pushed reviews). It verifies each
// delivery's signature and keeps the first body per Idempotency-Key, as a
// real receiver should. `make demo` runs one and the order-status page reads
// what it kept (`GET /log`); the Worker suites use it too, stopping it
// (connections refused), bringing it back on the same port, slowing it
// (`delayMs`) or making it fail (`status`).
import { createServer } from 'node:http';

import { verifyTimestamped } from '../js/lib/signatures.js';

export class WebhookReceiver {
  /**
   * @param {string} secret the Worker's WEBHOOK_SIGNING_SECRET
   * @param {{ port?: number, onDelivery?: (body: any, key: string) => void }} [options]
   *   `onDelivery` hears each first delivery of a key, correctly signed
   */
  constructor(secret, { port = 0, onDelivery } = {}) {
    this.secret = secret;
    this.port = port;
    this.onDelivery = onDelivery;
    this.server = null;
    this.attempts = []; // every delivery that reached us, in order: { key, verdict, at }
    this.received = new Map(); // Idempotency-Key -> first body, correctly signed
    this.delayMs = 0;
    this.status = 200;
  }

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where the Worker delivers (any path is taken; the demo uses /support and /alerts). */
  get url() {
    return `${this.origin}/hook`;
  }

  /** What was kept, as the demo's order-status page shows it. */
  log() {
    const tickets = [];
    const alerts = [];
    for (const [key, body] of this.received) {
      if (body?.type === 'feedback.ticket') tickets.push({ idempotencyKey: key, at: body.receivedAt, ...body.ticket });
      else if (body?.type === 'review.alert') alerts.push({ idempotencyKey: key, at: body.receivedAt, review: body.review, classification: body.classification });
    }
    return { tickets, alerts, refused: this.attempts.filter((a) => a.verdict !== 'ok').length };
  }

  #deliver(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const key = req.headers['idempotency-key'];
      const verdict = await verifyTimestamped(this.secret, new Uint8Array(body), {
        timestamp: req.headers['x-reviewloop-timestamp'] ?? null,
        signature: req.headers['x-reviewloop-signature'] ?? null,
        windowSeconds: 300,
      });
      this.attempts.push({ key, verdict, at: Date.now() });
      // Kept even when the answer comes too late for the sender: it retries, we dedupe.
      if (verdict === 'ok' && key && !this.received.has(key)) {
        let parsed = null;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          // Signed but not JSON: kept as text, so nothing is lost.
          parsed = body.toString('utf8');
        }
        this.received.set(key, parsed);
        this.onDelivery?.(parsed, key);
      }
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(verdict === 'ok' ? this.status : 401).end();
      };
      if (this.delayMs > 0) setTimeout(answer, this.delayMs);
      else answer();
    });
  }

  async start() {
    this.server = createServer((req, res) => {
      if (req.method === 'POST') {
        this.#deliver(req, res);
        return;
      }
      req.resume();
      if (req.method === 'GET' && req.url === '/log') {
        // Demo data on loopback, read by the demo pages from the Worker's origin.
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(this.log()));
        return;
      }
      res.writeHead(req.method === 'GET' ? 404 : 405, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('POST deliveries to any path; GET /log reads what was kept.\n');
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
  }

  async stop() {
    if (this.server === null) return;
    const server = this.server;
    this.server = null;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
