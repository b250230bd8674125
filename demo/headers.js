// The demo pages' response headers, in one place for both servers: imported by
// demo/server.js (the browser suites' static server), and written as a Workers
// static-assets `_headers` file (`node demo/headers.js DIR`, run by
// `make worker-assets`) for the Worker (`make demo`). With DEMO_RECEIVER set
// (demo/worker-demo.js sets it: the local webhook receiver's origin), the pages
// may also read that receiver, and DIR/demo-receiver.json tells them where it is.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * No inline scripts or styles anywhere in the demo; wasm needs 'wasm-unsafe-eval'.
 * @param {string} [receiver] an origin the pages may fetch from besides their own
 */
export function contentSecurityPolicy(receiver) {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    ...(receiver ? [`connect-src 'self' ${receiver}`] : []),
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  const receiver = process.env.DEMO_RECEIVER ?? '';
  if (!dir) {
    console.error('usage: node demo/headers.js DIR (writes DIR/_headers)');
    process.exit(2);
  }
  if (receiver !== '' && !/^http:\/\/127\.0\.0\.1:\d{1,5}$/.test(receiver)) {
    console.error(`DEMO_RECEIVER must be a loopback origin like http://127.0.0.1:8788, not "${receiver}".`);
    process.exit(2);
  }
  writeFileSync(join(dir, '_headers'), `/*\n  Content-Security-Policy: ${contentSecurityPolicy(receiver || undefined)}\n  X-Content-Type-Options: nosniff\n`);
  if (receiver !== '') writeFileSync(join(dir, 'demo-receiver.json'), `${JSON.stringify({ log: `${receiver}/log` })}\n`);
}
