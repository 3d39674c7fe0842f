import type { UiServer } from '../../electron/bridge/ui-server';

/** Headers that authenticate a Node client (tests) to a running bridge. */
export async function sessionHeaders(server: UiServer): Promise<Record<string, string>> {
  return { 'x-flint-token': server.token };
}
