/**
 * Types of the undici files that http.ts and undici-eof-guard.ts import directly (see
 * undici-parts.ts): each CommonJS file exports the class or function that undici's index.js
 * re-exports under the same name (undici 7.30.2: lib/dispatcher/agent.js, pool.js,
 * lib/core/connect.js).
 */
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici';
  export default Agent;
}
declare module 'undici/lib/dispatcher/pool.js' {
  import { Pool } from 'undici';
  export default Pool;
}
declare module 'undici/lib/core/connect.js' {
  import { buildConnector } from 'undici';
  export default buildConnector;
}
