/**
 * The parts of undici that a direct connection uses, imported from their own files rather than
 * from undici's index.js, which also loads fetch, WebSocket, EventSource, cookies and the mock
 * agents (a proxy still loads it: see dispatcherFor in http.ts). undici 7.30.2 has no `exports`
 * map, so these paths can be imported; the types are undici's own (undici-modules.d.ts).
 */
import Agent from 'undici/lib/dispatcher/agent.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import buildConnector from 'undici/lib/core/connect.js';

export { Agent, Pool, buildConnector };
