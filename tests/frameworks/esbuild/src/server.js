// A Node server: the shared app (../shared/, staged by the driver) on node:http.
import app from '../shared/app.js';
import { serve } from '../shared/node-http.js';

serve(app);
