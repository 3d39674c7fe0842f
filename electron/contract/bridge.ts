/**
 * The loopback HTTP bridge's protocol (`flint ui`): the paths and where the token travels. Shared
 * by the server (electron/bridge/ui-server.ts) and the renderer's client (renderer/src/bridge-client.ts).
 */
/** Header carrying the one-time token on every API request. */
export const TOKEN_HEADER = 'x-flint-token';
/** Query parameter carrying the token (page URL and the event stream). */
export const TOKEN_PARAM = 'token';
/** Path prefix of the API. */
export const API_PREFIX = '/api/';
/** Path of the event stream. */
export const EVENTS_PATH = '/api/events';
