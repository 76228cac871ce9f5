// Deno: serves the app with Deno.serve. Run from tests/ (its package.json + node_modules resolve
// `asyntai-edge` by name, with Deno's `deno` export condition), with --allow-net=127.0.0.1 only:
// loading the package needs no --allow-read, --allow-env or any other permission.
import handler from '../app/handler.mjs';

Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(JSON.stringify({ listening: port })) },
  (request) => handler.fetch(request),
);
