// server.mjs: the API tests' server helpers, re-exported for the browser tests.
export { startServer, password, ROLES, api, newHazard } from '../api/helpers.mjs';
export { ROOT, ok } from '../cli/helpers.mjs';
