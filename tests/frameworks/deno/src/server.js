// A Deno server: the shared app (../shared/app.js, staged by the driver) on Deno.serve; the port is
// the first argument.
import app from '../shared/app.js';

Deno.serve({ hostname: '127.0.0.1', port: Number(Deno.args[0]), onListen: ({ port }) => console.log(`listening ${port}`) }, app.fetch);
