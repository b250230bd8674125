// The Outbox: one Durable Object per idempotency key. It remembers the first
// answer given for its key (so a repeated request gets the same answer and no
// second ticket) and owns the webhook call that answer promised, retrying it
// with backoff until the receiver says 2xx. The answer and the pending
// delivery are written in one storage write, so a ticket is never promised
// without being kept. Every attempt carries the same `Idempotency-Key`, so
// the receiver sees each ticket once however many attempts it took.
//
// A Durable Object rather than a Queue: the backoff is ours to set (a Queue
// caps retries, then dead-letters), the same storage answers idempotent
// replays and remembers seen signatures, and workerd runs storage and alarms
// itself, so local tests exercise what production runs.
import { DurableObject } from 'cloudflare:workers';
import { signTimestamped } from '../lib/signatures.js';
import { settings } from './config.js';

/** Where each kind of delivery goes: the environment variable holding the URL. */
export const DESTINATIONS = { support: 'SUPPORT_WEBHOOK_URL', alert: 'ALERT_WEBHOOK_URL' };

/**
 * @typedef {{ fingerprint: string, response: unknown, createdAt: number }} Claim
 * @typedef {{ key: string, destination: keyof typeof DESTINATIONS, payload: unknown,
 *   attempts: number, nextAt: number, lastError?: string }} Delivery
 */

export class Outbox extends DurableObject {
  /**
   * Records the answer for this key once. A repeat with the same fingerprint
   * gets the stored answer back; a repeat with another body is a conflict.
   * @param {{ fingerprint: string, response: unknown, delivery?: { key: string, destination: keyof typeof DESTINATIONS, payload: unknown } | null, keepForMs: number }} request
   * @returns {Promise<{ response: unknown, replayed: boolean } | { conflict: true }>}
   */
  async claim({ fingerprint, response, delivery = null, keepForMs }) {
    const storage = this.ctx.storage;
    const existing = await storage.get('claim');
    if (existing !== undefined) {
      return existing.fingerprint === fingerprint ? { response: existing.response, replayed: true } : { conflict: true };
    }
    const now = Date.now();
    const entries = { claim: { fingerprint, response, createdAt: now }, expiresAt: now + keepForMs };
    if (delivery !== null) entries.delivery = { ...delivery, attempts: 0, nextAt: now };
    await storage.put(entries);
    await storage.setAlarm(delivery !== null ? now : now + keepForMs);
    return { response, replayed: false };
  }

  /** What is still owed, for operators and tests: the pending delivery, if any. */
  async pending() {
    const delivery = await this.ctx.storage.get('delivery');
    return delivery === undefined ? null : { attempts: delivery.attempts, nextAt: delivery.nextAt, lastError: delivery.lastError ?? null };
  }

  async alarm() {
    const storage = this.ctx.storage;
    /** @type {Delivery | undefined} */
    const delivery = await storage.get('delivery');
    if (delivery === undefined) {
      const expiresAt = (await storage.get('expiresAt')) ?? 0;
      if (Date.now() >= expiresAt) await storage.deleteAll();
      else await storage.setAlarm(expiresAt);
      return;
    }
    const config = settings(this.env);
    const failure = await deliver(this.env, config, delivery);
    if (failure === null) {
      await storage.delete('delivery');
      await storage.setAlarm((await storage.get('expiresAt')) ?? Date.now());
      return;
    }
    const attempts = delivery.attempts + 1;
    // Exponential backoff with ±20% jitter, so receivers coming back are not hit by every ticket at once.
    const wait = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** Math.min(attempts - 1, 30)) * (0.8 + Math.random() * 0.4);
    const nextAt = Date.now() + Math.round(wait);
    await storage.put('delivery', { ...delivery, attempts, nextAt, lastError: failure });
    await storage.setAlarm(nextAt);
    console.warn(`delivery ${delivery.key} to ${delivery.destination} failed (attempt ${attempts}: ${failure}); next try in ${Math.round(wait)} ms`);
  }
}

/**
 * One attempt: POST the payload, signed, with the delivery's idempotency key.
 * @returns {Promise<string | null>} why it failed, or null when the receiver took it
 */
async function deliver(env, config, delivery) {
  const url = env[DESTINATIONS[delivery.destination]];
  if (typeof url !== 'string' || url === '') {
    return `${DESTINATIONS[delivery.destination]} is not set; the ${delivery.destination} delivery is kept until it is`;
  }
  const body = JSON.stringify(delivery.payload);
  const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': delivery.key, 'User-Agent': 'reviewloop-worker' };
  const secret = env.WEBHOOK_SIGNING_SECRET;
  // Unsigned tickets could not be told from forged ones: keep them until a secret is set.
  if (typeof secret !== 'string' || secret === '') return 'WEBHOOK_SIGNING_SECRET is not set; the delivery is kept until it is';
  // Signed afresh on each attempt, so a late retry still falls inside the receiver's window.
  const { timestamp, signature } = await signTimestamped(secret, body);
  headers['X-Reviewloop-Timestamp'] = timestamp;
  headers['X-Reviewloop-Signature'] = signature;
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(config.deliveryTimeoutMs) });
    await response.body?.cancel();
    return response.ok ? null : `the receiver answered ${response.status}`;
  } catch (error) {
    return error?.name === 'TimeoutError' ? `no answer within ${config.deliveryTimeoutMs} ms` : `could not connect (${error?.message ?? error})`;
  }
}
