// The demo's static server: demo/ at `/`, the package's js/ at `/js/`.
// No dependencies, so `make demo` needs nothing beyond Node itself.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENT_SECURITY_POLICY } from './headers.js';
import { handleFeedbackApi } from './feedback-endpoint.js';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 8787;

const roots = {
  demo: fileURLToPath(new URL('.', import.meta.url)),
  js: fileURLToPath(new URL('../js/', import.meta.url)),
};

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};


/**
 * Maps a request path to a file under one of the roots, or null when the path
 * is not one we serve (traversal, dotfiles, node_modules, malformed escapes).
 * @param {string} pathname the raw, still-encoded path of the request URL
 * @returns {{ root: string, file: string } | null}
 */
function resolvePath(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  // `..` decoded from `%2e%2e` lands here too; dotfiles and node_modules are never public.
  if (segments.some((s) => s.startsWith('.') || s === 'node_modules')) return null;

  let root = roots.demo;
  if (segments[0] === 'js') {
    root = roots.js;
    segments.shift();
  }
  if (segments.length === 0 && root === roots.demo) segments.push('index.html');
  const file = join(root, ...segments);
  return file.startsWith(root) ? { root, file } : null;
}

function send(res, status, message, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(message),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : message);
}

async function handle(req, res) {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  if (await handleFeedbackApi(req, res)) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'Method not allowed.\n', { Allow: 'GET, HEAD' });
    return;
  }
  const pathname = (req.url ?? '/').split(/[?#]/, 1)[0];
  const target = pathname.startsWith('/') ? resolvePath(pathname) : null;
  if (target === null) {
    send(res, 403, 'Forbidden.\n');
    return;
  }

  let file;
  let info;
  try {
    // Follow symlinks, then check again that we are still inside the root.
    file = await realpath(target.file);
    const root = await realpath(target.root);
    if (file !== root && !file.startsWith(root + sep)) {
      send(res, 403, 'Forbidden.\n');
      return;
    }
    info = await stat(file);
  } catch {
    send(res, 404, 'Not found.\n');
    return;
  }
  if (!info.isFile()) {
    send(res, 404, 'Not found.\n');
    return;
  }

  const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const headers = { 'Content-Type': type, 'Content-Length': info.size };
  if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

const port = process.env.PORT === undefined || process.env.PORT === '' ? DEFAULT_PORT : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number from 0 to 65535, not "${process.env.PORT}".`);
  process.exit(1);
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error(error);
    if (!res.headersSent) send(res, 500, 'Internal server error.\n');
    else res.destroy();
  });
});

server.on('error', (error) => {
  if (error.code === 'EADDRINUSE') {
    console.error(`Port ${port} is already in use: stop the other server or run with PORT=<another port>.`);
  } else {
    console.error(`The demo server could not start: ${error.message}`);
  }
  process.exit(1);
});

server.listen(port, HOST, () => {
  console.log(`listening on http://${HOST}:${server.address().port}`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
