// A Bun server: the shared app (../shared/app.js, staged by the driver) on Bun.serve.
import app from '../shared/app.js';

const server = Bun.serve({ hostname: '127.0.0.1', port: Number(process.env.PORT), fetch: app.fetch });
console.log(`listening ${server.port}`);
