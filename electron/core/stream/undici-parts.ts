/**
 * The parts of undici that a direct connection uses, imported from their own files rather than
 * from undici's index.js, which also loads fetch, WebSocket, EventSource, cookies and the mock
 * agents (a proxy still loads it: see dispatcherFor in http.ts). undici 7.30.2 has no `exports`
 * map, so these paths can be imported. Each CommonJS file exports the class or function that
 * index.js re-exports under the same name, so the types are undici's own.
 */
import type { Agent as AgentClass, Pool as PoolClass, buildConnector as BuildConnector } from 'undici';
// @ts-expect-error undici's files have no declarations of their own (the casts below give index.js's)
import agent from 'undici/lib/dispatcher/agent.js';
// @ts-expect-error as above
import pool from 'undici/lib/dispatcher/pool.js';
// @ts-expect-error as above
import connect from 'undici/lib/core/connect.js';

export const Agent = agent as typeof AgentClass;
export const Pool = pool as typeof PoolClass;
export const buildConnector = connect as typeof BuildConnector;
