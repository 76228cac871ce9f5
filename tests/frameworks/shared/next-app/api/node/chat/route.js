// POST /api/node/chat on Next's nodejs runtime (staged into <next project>/app/ by the driver).
export { chat as POST } from '../../../../shared/app.js';
export const runtime = 'nodejs';
