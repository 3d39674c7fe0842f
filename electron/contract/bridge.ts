/**
 * The loopback HTTP bridge's protocol (`flint ui`): the paths, the sign-in code and the session
 * cookie. Shared by the server (electron/bridge/ui-server.ts, sign-in.ts) and the renderer's
 * client (renderer/src/bridge-client.ts). No secret travels in a URL query or a command line: a
 * one-time code in the page URL's fragment is exchanged for an HttpOnly, SameSite=Strict cookie.
 */
/** Fragment parameter of a sign-in link (`http://127.0.0.1:P/#code=...`): a one-time code. */
export const CODE_PARAM = 'code';
/** POST `{ "code": ... }` here (same origin) to spend a code and get the session cookie. */
export const SIGN_IN_PATH = '/api/sign-in';
/**
 * POST here (same origin, no session needed) to have the running `flint ui` print a new sign-in
 * link on its own terminal: what a page that is not signed in does. Rate-limited.
 */
export const SIGN_IN_NEW_PATH = '/api/sign-in/new';
/** Cookie carrying the page's session on every API request and the event stream. */
export const SESSION_COOKIE = 'flint_session';
/** Path prefix of the API. */
export const API_PREFIX = '/api/';
/** Path of the event stream. */
export const EVENTS_PATH = '/api/events';
