// Serves the browser demo on 127.0.0.1 with Node built-ins only, under the
// strict Content-Security-Policy the library promises to work with.
//   node examples/browser/server.mjs        (PORT=8080 by default)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

// Only these files are served: nothing else in the repo is reachable.
const ROUTES = {
  '/': join(here, 'index.html'),
  '/index.html': join(here, 'index.html'),
  '/demo.css': join(here, 'demo.css'),
  '/boot.js': join(here, 'boot.js'),
  '/demo.js': join(here, 'demo.js'),
  '/anatomy.js': join(here, 'anatomy.js'),
  '/file-worker.js': join(here, 'file-worker.js'),
  '/kdf-worker.js': join(here, 'kdf-worker.js'),
  '/fernet.mjs': join(root, 'dist', 'fernet.mjs'),
  '/token-layout.mjs': join(root, 'dist', 'token-layout.mjs'),
};
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.mjs': 'text/javascript' };
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function startServer(port = 8080, host = '127.0.0.1') {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    const file = ROUTES[path];
    if (!['GET', 'HEAD'].includes(request.method) || file === undefined) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        'Content-Type': TYPES[extname(file)],
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(500, { 'Content-Type': 'text/plain' }).end('could not read file\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  startServer(port).then(
    (server) => {
      const { port: actual } = server.address();
      console.log(`fernet-wasm demo: http://127.0.0.1:${actual}/  (Ctrl+C to stop)`);
    },
    (error) => {
      console.error(error.code === 'EADDRINUSE'
        ? `Port ${port} is in use: run with another, e.g. PORT=8081 npm start`
        : `Could not start the demo server: ${error.message}`);
      process.exit(1);
    },
  );
}
