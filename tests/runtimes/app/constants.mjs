// Shared by the app (handler.mjs) and the Node-side driver (../scenario.mjs).
export const GOOD_KEY = 'sk_runtime_good_key';
export const BAD_KEY = 'sk_runtime_revoked_key';
export const SECRET = 'whsec_runtime_test_secret';
