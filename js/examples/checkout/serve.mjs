// Serves the checkout example and the package files on 127.0.0.1 (static, GET only).
//   node js/examples/checkout/serve.mjs [port]      then open http://127.0.0.1:<port>/
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url)); // the package directory
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.bundle': 'application/octet-stream' };
const routes = { '/': 'examples/checkout/index.html', '/checkout.js': 'examples/checkout/checkout.js' };

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const file = routes[path] ?? normalize(path).replace(/^\/+/, '');
  const allowed = file.startsWith('src/') || file.startsWith('wasm/') || file === 'ward.bundle' || Object.values(routes).includes(file);
  if (req.method !== 'GET' || !allowed || file.includes('..')) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await readFile(root + file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
server.listen(Number(process.argv[2] ?? 8080), '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  console.log(`checkout example on http://127.0.0.1:${port}/`);
});
