// POST /api/edge/webhook on Next's edge runtime (staged into <next project>/app/ by the driver).
export { webhook as POST } from '../../../../shared/app.js';
export const runtime = 'edge';
