// The demo pages' response headers, in one place for both servers: imported by
// demo/server.js (`make demo`), and printed as a Workers static-assets
// `_headers` file (`node demo/headers.js`, run by `make worker-assets`) for the
// Worker (`make demo-worker`).

// No inline scripts or styles anywhere in the demo; wasm needs 'wasm-unsafe-eval'.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`/*\n  Content-Security-Policy: ${CONTENT_SECURITY_POLICY}\n  X-Content-Type-Options: nosniff\n`);
}
