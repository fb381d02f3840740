/** Login flows, one per file; each returns a `LoginFlow`. */
export { tokenLogin, type TokenLoginParams } from './token.js';
export { passwordLogin, type PasswordLoginParams } from './password.js';
export { clientCredentialsLogin, type ClientCredentialsLoginParams } from './clientCredentials.js';
export { jwtBearerLogin, type JwtBearerLoginParams } from './jwtBearer.js';
export { refreshTokenLogin, type RefreshTokenLoginParams } from './refreshToken.js';
export { soapLogin, soapLoginEnvelope, parseSoapLoginResponse, type SoapLoginParams } from './soap.js';
export { authorizationCodeLogin, type AuthorizationCodeLoginParams } from './authorizationCode.js';
export { createPkcePair, pkceChallenge, authorizeUrl, type PkcePair, type AuthorizeUrlParams } from './pkce.js';
export { lazyLogin, type LazyLoginParams } from './lazy.js';
export { sessionFromTokenResponse, DEFAULT_LOGIN_URL } from './oauth.js';
export type { PrivateKeyInput } from './pem.js';
