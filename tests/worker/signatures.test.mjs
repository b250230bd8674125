// js/lib/signatures.js against node:crypto's own HMAC: the schemes a sender or
// a merchant's receiver implements independently must agree with ours.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';

import {
  feedbackLinkToken, signShopify, signTimestamped, verifyFeedbackLinkToken, verifyShopify, verifyTimestamped,
} from '../../js/lib/signatures.js';

const body = new TextEncoder().encode('{"review":{"text":"Caf\u00e9 \u{1F600} arrived broken"}}');

test('Shopify: base64 HMAC-SHA256 of the raw body, as Shopify computes it', async () => {
  const expected = createHmac('sha256', 'shpss_secret').update(body).digest('base64');
  assert.equal(await signShopify('shpss_secret', body), expected);
  assert.equal(await verifyShopify('shpss_secret', body, expected), true);
  assert.equal(await verifyShopify('shpss_secret', body, ` ${expected} `), true, 'surrounding spaces tolerated');
  assert.equal(await verifyShopify('other', body, expected), false);
  assert.equal(await verifyShopify('shpss_secret', body.slice(1), expected), false);
  assert.equal(await verifyShopify('shpss_secret', body, expected.slice(0, -4)), false, 'a truncated signature');
  assert.equal(await verifyShopify('shpss_secret', body, null), false);
  assert.equal(await verifyShopify('shpss_secret', body, '%%%'), false);
});

test('timestamped: sha256=<hex HMAC of "<timestamp>.<body>">, within the window only', async () => {
  const now = Date.now();
  const ts = Math.floor(now / 1000);
  const expected = createHmac('sha256', 's').update(`${ts}.`).update(body).digest('hex');
  const signed = await signTimestamped('s', body, ts);
  assert.deepEqual(signed, { timestamp: String(ts), signature: `sha256=${expected}` });
  const check = (over) => verifyTimestamped('s', body, { ...signed, windowSeconds: 300, now, ...over });
  assert.equal(await check({}), 'ok');
  assert.equal(await check({ signature: expected }), 'ok', 'the sha256= prefix is optional');
  assert.equal(await check({ signature: expected.toUpperCase() }), 'ok');
  assert.equal(await check({ now: now + 301_000 }), 'stale');
  assert.equal(await check({ now: now - 301_000 }), 'stale');
  assert.equal(await check({ timestamp: String(ts - 1) }), 'bad');
  assert.equal(await check({ timestamp: '1e9' }), 'bad');
  assert.equal(await check({ signature: 'sha256=abc' }), 'bad');
  assert.equal(await check({ signature: null }), 'missing');
  assert.equal(await check({ timestamp: null }), 'missing');
});

test('feedback link tokens: bound to the order and the expiry', async () => {
  const now = Date.now();
  const expires = Math.floor(now / 1000) + 60;
  const token = await feedbackLinkToken('k', 'A-1', expires);
  assert.match(token, /^\d+\.[A-Za-z0-9_-]{43}$/);
  assert.equal(await verifyFeedbackLinkToken('k', 'A-1', token, now), 'ok');
  assert.equal(await verifyFeedbackLinkToken('k', 'A-1', token, now + 61_000), 'expired');
  assert.equal(await verifyFeedbackLinkToken('k', 'A-2', token, now), 'bad');
  assert.equal(await verifyFeedbackLinkToken('other', 'A-1', token, now), 'bad');
  assert.equal(await verifyFeedbackLinkToken('k', 'A-1', token.replace(/^\d+/, String(expires + 3600)), now), 'bad');
  assert.equal(await verifyFeedbackLinkToken('k', 'A-1', `${token}x`, now), 'malformed');
  assert.equal(await verifyFeedbackLinkToken('k', 'A-1', null, now), 'missing');
  const mac = createHmac('sha256', 'k').update(`feedback-link\nA-1\n${expires}`).digest('base64url');
  assert.equal(token, `${expires}.${mac}`, 'the documented construction');
});
