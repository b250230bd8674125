// The Outbox: a fixed number of Durable Objects (shards), each holding many
// keyed entries in its own SQLite storage. An entry remembers the first answer
// given for its key (so a repeated request gets the same answer and no second
// ticket) and, when that answer promised a webhook call, owns the call: the
// shard's alarm delivers every due entry and retries each failure with its own
// backoff until the receiver says 2xx. The answer and the pending delivery are
// one row, written in one statement, so a ticket is never promised without
// being kept. Every attempt carries the same `Idempotency-Key`, so the
// receiver sees each ticket once however many attempts it took.
//
// Shards rather than one object per key: each Durable Object has its own
// SQLite database, and one local workerd holding thousands of them ran out of
// SQLite memory (SQLITE_NOMEM after about 2,850 tickets); a shard holds any
// number of keys in one database with indexes on what the alarm looks for.
//
// A Durable Object rather than a Queue: the backoff is ours to set (a Queue
// caps retries, then dead-letters), the same storage answers idempotent
// replays, remembers seen signatures and counts review-link clicks, and
// workerd runs storage and alarms itself, so local tests exercise what
// production runs.
import { DurableObject } from 'cloudflare:workers';
import { signTimestamped } from '../lib/signatures.js';
import { settings } from './config.js';

/** Where each kind of delivery goes: the environment variable holding the URL. */
export const DESTINATIONS = { support: 'SUPPORT_WEBHOOK_URL', alert: 'ALERT_WEBHOOK_URL' };

/**
 * How many shards keys are spread over. Fixed for good: another number sends
 * a key to another shard, which would forget the answers already kept.
 */
export const SHARDS = 32;

/** Deliveries one alarm sends at once; more due ones get the next alarm, at once. */
const BATCH = 24;

/** A string's shard: FNV-1a over its UTF-16 code units, stable across isolates and releases. */
export function shardOf(name) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % SHARDS;
}

/** The shard that keeps `name` (a feedback key, an alert, a signature, an order's clicks). */
export function outboxFor(env, name) {
  return env.OUTBOX.get(env.OUTBOX.idFromName(`shard:${shardOf(name)}`));
}

/**
 * @typedef {{ key: string, destination: keyof typeof DESTINATIONS, payload: unknown }} Delivery
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  response TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  destination TEXT,
  payload TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS entries_due ON entries (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_expiry ON entries (expires_at) WHERE next_at IS NULL;
CREATE TABLE IF NOT EXISTS clicks (
  order_id TEXT NOT NULL,
  click_key TEXT NOT NULL,
  times INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (order_id, click_key)
);
CREATE INDEX IF NOT EXISTS clicks_expiry ON clicks (expires_at);
`;

export class Outbox extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    /** When the alarm is set for, as far as this instance knows (undefined: not read yet). */
    this.alarmAt = undefined;
    this.sharded = false;
  }

  /** The shard's tables, made on first use (an object of the earlier per-key layout never gets them). */
  get sql() {
    if (!this.sharded) {
      this.ctx.storage.sql.exec(SCHEMA);
      this.sharded = true;
    }
    return this.ctx.storage.sql;
  }

  /**
   * Records the answer for `key` once. A repeat with the same fingerprint gets
   * the stored answer back; a repeat with another body is a conflict.
   * Concurrent repeats cannot both insert: SQL calls are synchronous, so the
   * look-up and the insert run with nothing in between.
   * @param {{ key: string, fingerprint: string, response: unknown, delivery?: Delivery | null, keepForMs: number }} request
   * @returns {Promise<{ response: unknown, replayed: boolean } | { conflict: true }>}
   */
  async claim({ key, fingerprint, response, delivery = null, keepForMs }) {
    const now = Date.now();
    const existing = this.sql.exec('SELECT fingerprint, response, expires_at, next_at FROM entries WHERE key = ?', key).toArray()[0];
    // Past its retention an answer is forgotten, unless its delivery is still owed.
    if (existing !== undefined && (existing.expires_at > now || existing.next_at !== null)) {
      return existing.fingerprint === fingerprint ? { response: JSON.parse(existing.response), replayed: true } : { conflict: true };
    }
    const expiresAt = now + keepForMs;
    this.sql.exec(
      'INSERT OR REPLACE INTO entries (key, fingerprint, response, expires_at, destination, payload, attempts, next_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
      key, fingerprint, JSON.stringify(response), expiresAt,
      delivery?.destination ?? null, delivery === null ? null : JSON.stringify(delivery.payload), delivery === null ? null : now,
    );
    await this.wakeBy(delivery !== null ? now : expiresAt);
    return { response, replayed: false };
  }

  /**
   * Counts a click on an order's review link once per click key (the answered
   * form's idempotency key; a click with none counts once per order).
   * @param {{ orderId: string, clickKey: string, keepForMs: number }} click
   * @returns {Promise<{ clicks: number, replayed: boolean }>}
   */
  async click({ orderId, clickKey, keepForMs }) {
    const expiresAt = Date.now() + keepForMs;
    const seen = this.sql.exec('SELECT times FROM clicks WHERE order_id = ? AND click_key = ?', orderId, clickKey).toArray().length > 0;
    if (seen) this.sql.exec('UPDATE clicks SET times = times + 1, expires_at = ? WHERE order_id = ? AND click_key = ?', expiresAt, orderId, clickKey);
    else this.sql.exec('INSERT INTO clicks (order_id, click_key, times, expires_at) VALUES (?, ?, 1, ?)', orderId, clickKey, expiresAt);
    await this.wakeBy(expiresAt);
    return { clicks: this.clicksOf(orderId), replayed: seen };
  }

  /** How many distinct clicks an order's review link has had. */
  async clicks(orderId) {
    return { clicks: this.clicksOf(orderId) };
  }

  clicksOf(orderId) {
    return this.sql.exec('SELECT COUNT(*) AS n FROM clicks WHERE order_id = ? AND expires_at > ?', orderId, Date.now()).one().n;
  }

  /** What is still owed for a key, for operators and tests. */
  async pending(key) {
    const row = this.sql.exec('SELECT attempts, next_at, last_error FROM entries WHERE key = ? AND next_at IS NOT NULL', key).toArray()[0];
    return row === undefined ? null : { attempts: row.attempts, nextAt: row.next_at, lastError: row.last_error };
  }

  /** Makes sure the alarm goes off by `at`. */
  async wakeBy(at) {
    const storage = this.ctx.storage;
    if (this.alarmAt === undefined) this.alarmAt = await storage.getAlarm();
    if (this.alarmAt === null || at < this.alarmAt) {
      this.alarmAt = at;
      await storage.setAlarm(at);
    }
  }

  async alarm() {
    this.alarmAt = null; // this one has gone off
    if ((await this.ctx.storage.get('claim')) !== undefined) return this.legacyAlarm();
    const sql = this.sql;
    const now = Date.now();
    sql.exec('DELETE FROM entries WHERE next_at IS NULL AND expires_at <= ?', now);
    sql.exec('DELETE FROM clicks WHERE expires_at <= ?', now);
    const due = sql.exec('SELECT key, destination, payload, attempts FROM entries WHERE next_at <= ? ORDER BY next_at LIMIT ?', now, BATCH).toArray();
    if (due.length > 0) {
      const config = settings(this.env);
      // Leased while in flight: an alarm that overlaps this one does not send them again.
      const lease = now + config.deliveryTimeoutMs + 5_000;
      for (const row of due) sql.exec('UPDATE entries SET next_at = ? WHERE key = ?', lease, row.key);
      await Promise.all(due.map(async (row) => {
        const delivery = { key: row.key, destination: row.destination, payload: JSON.parse(row.payload) };
        const failure = await deliver(this.env, config, delivery);
        if (failure === null) {
          sql.exec('UPDATE entries SET next_at = NULL, payload = NULL, last_error = NULL, attempts = ? WHERE key = ?', row.attempts + 1, row.key);
          return;
        }
        const attempts = row.attempts + 1;
        const wait = backoff(config, attempts);
        sql.exec('UPDATE entries SET attempts = ?, next_at = ?, last_error = ? WHERE key = ?', attempts, Date.now() + wait, failure, row.key);
        console.warn(`delivery ${row.key} to ${row.destination} failed (attempt ${attempts}: ${failure}); next try in ${wait} ms`);
      }));
    }
    await this.scheduleNext();
  }

  /** The alarm for whatever comes first: a due delivery, or an answer or click to forget. */
  async scheduleNext() {
    const sql = this.sql;
    const next = [
      sql.exec('SELECT MIN(next_at) AS at FROM entries WHERE next_at IS NOT NULL').one().at,
      sql.exec('SELECT MIN(expires_at) AS at FROM entries WHERE next_at IS NULL').one().at,
      sql.exec('SELECT MIN(expires_at) AS at FROM clicks').one().at,
    ].filter((at) => at !== null);
    if (next.length === 0) {
      this.alarmAt = null;
      await this.ctx.storage.deleteAlarm();
      return;
    }
    this.alarmAt = Math.min(...next);
    await this.ctx.storage.setAlarm(this.alarmAt);
  }

  /**
   * An object of the earlier layout (one per key, before shards): delivers
   * what it still owes, then forgets its answer at its expiry, as it did.
   */
  async legacyAlarm() {
    const storage = this.ctx.storage;
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
    const wait = backoff(config, attempts);
    await storage.put('delivery', { ...delivery, attempts, nextAt: Date.now() + wait, lastError: failure });
    await storage.setAlarm(Date.now() + wait);
    console.warn(`delivery ${delivery.key} to ${delivery.destination} failed (attempt ${attempts}: ${failure}); next try in ${wait} ms`);
  }
}

/** Exponential backoff with ±20% jitter, so receivers coming back are not hit by every ticket at once. */
function backoff(config, attempts) {
  return Math.round(Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** Math.min(attempts - 1, 30)) * (0.8 + Math.random() * 0.4));
}

/**
 * One attempt: POST the payload, signed, with the delivery's idempotency key.
 * @param {Delivery} delivery
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
