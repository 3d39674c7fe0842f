// Setup of the `unit` vitest project: unit tests start no server. Listening on a socket (an HTTP
// server, a mirror, the bridge) throws here, naming where such a test belongs.
import { Server } from 'node:net';

Server.prototype.listen = function refuseListen(): never {
  throw new Error('unit tests start no server: move this test to tests/integration (vitest project "integration")');
};

// tests/helpers/loop.ts reads this to refuse loop devices in unit tests.
process.env.FLINT_TEST_PROJECT = 'unit';
