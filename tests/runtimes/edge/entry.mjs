// Vercel Edge: the app as an edge function (a fetch event handler, the edge-runtime package's shape).
import handler from '../app/handler.mjs';

addEventListener('fetch', (event) => event.respondWith(handler.fetch(event.request)));
