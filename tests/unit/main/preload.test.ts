/**
 * The preload exposes exactly the contract's FlintApi as window.flint, forwards only contract
 * channels, and turns dropped Files into paths with webUtils (Electron mocked).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const state = vi.hoisted(() => ({
  exposed: new Map<string, Record<string, unknown>>(),
  invoked: [] as [string, unknown][],
  listeners: new Map<string, ((e: unknown, p: unknown) => void)[]>(),
  paths: new Map<unknown, string>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (k: string, v: Record<string, unknown>) => state.exposed.set(k, v) },
  ipcRenderer: {
    invoke: async (ch: string, req: unknown) => {
      state.invoked.push([ch, req]);
      return { ok: true, value: { echoed: ch } };
    },
    on: (ch: string, fn: (e: unknown, p: unknown) => void) => state.listeners.set(ch, [...(state.listeners.get(ch) ?? []), fn]),
    removeListener: (ch: string, fn: (e: unknown, p: unknown) => void) =>
      state.listeners.set(
        ch,
        (state.listeners.get(ch) ?? []).filter((f) => f !== fn),
      ),
  },
  webUtils: { getPathForFile: (f: unknown) => state.paths.get(f) ?? '' },
}));

await import('../../../electron/preload/index');
const api = state.exposed.get('flint') as unknown as import('../../../electron/contract/api').FlintApi;

describe('preload', () => {
  beforeEach(() => (state.invoked.length = 0));

  it('exposes only window.flint with the FlintApi members', () => {
    expect([...state.exposed.keys()]).toEqual(['flint']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'mode', 'on', 'openDroppedFile']);
    expect(api.mode).toBe('electron');
  });

  it('forwards contract channels and refuses others without touching IPC', async () => {
    expect(await api.invoke('app:info', {})).toEqual({ ok: true, value: { echoed: 'app:info' } });
    expect(await api.invoke('shell:dropped' as never, { path: '/etc/shadow', kind: 'config' } as never)).toMatchObject({
      ok: false,
      error: { code: 'BAD_CHANNEL' },
    });
    expect(state.invoked).toEqual([['app:info', {}]]);
  });

  it('subscribes to contract events only, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = api.on('drives:changed', (p) => got.push(p));
    expect(api.on('ipc:anything' as never, () => {})).toBeTypeOf('function');
    expect(state.listeners.has('ipc:anything')).toBe(false);
    state.listeners.get('drives:changed')![0]!({}, { drives: [], hiddenSystemCount: 0 });
    off();
    expect(state.listeners.get('drives:changed')).toEqual([]);
    expect(got).toEqual([{ drives: [], hiddenSystemCount: 0 }]);
  });

  it('sends the real path of a dropped File, and refuses Files without one', async () => {
    const real = new File(['{}'], 'a.ign');
    state.paths.set(real, '/home/u/a.ign');
    await api.openDroppedFile(real);
    expect(state.invoked).toEqual([['shell:dropped', { path: '/home/u/a.ign', kind: 'config' }]]);
    const forged = new File(['{}'], 'b.ign');
    expect(await api.openDroppedFile(forged, 'network')).toMatchObject({ ok: false, error: { code: 'DROP_NO_PATH' } });
    expect(state.invoked).toHaveLength(1);
  });
});
