/** Login flows, one per file; each returns a `LoginFlow`. */
export { tokenLogin, type TokenLoginParams } from './token.js';
