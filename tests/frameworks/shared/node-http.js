// A fetch handler served by node:http on 127.0.0.1:$PORT (for the Node bundles: Vite SSR, esbuild,
// ncc). Copied into each project beside app.js by the driver. Prints `listening <port>` when ready.
import { createServer } from 'node:http';

export function serve(app, port = Number(process.env.PORT)) {
  const server = createServer(async (req, res) => {
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const request = new Request(`http://127.0.0.1:${port}${req.url}`, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
      });
      const response = await app.fetch(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      console.error(err);
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err?.stack ?? err));
    }
  });
  server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
  return server;
}
