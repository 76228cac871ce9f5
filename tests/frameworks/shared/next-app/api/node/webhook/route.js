// POST /api/node/webhook on Next's nodejs runtime (staged into <next project>/app/ by the driver).
export { webhook as POST } from '../../../../shared/app.js';
export const runtime = 'nodejs';
