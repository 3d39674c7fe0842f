/** The contract's runtime guards, the SSE parser, and the pure helpers around the shell. */
import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS, isEventChannel, isInvokeChannel } from '../../../electron/contract/api';
import { REQUEST_GUARDS, checkRequest, isFlashRequest, isOutcome } from '../../../electron/contract/guards';
import { codeFromUrl, parseSseBlock } from '../../../renderer/src/bridge-client';
import { filesFromArgv } from '../../../electron/main/argv';
import { contractPhase, ramForFromRam } from '../../../electron/app/images';

const options = { fromRam: false, extraKargs: '', networkIds: [], caIds: [] };

describe('contract guards', () => {
  it('has a guard for every invoke channel and knows channel names', () => {
    expect(Object.keys(REQUEST_GUARDS).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(new Set(INVOKE_CHANNELS).size).toBe(INVOKE_CHANNELS.length);
    expect(isInvokeChannel('app:info')).toBe(true);
    expect(isInvokeChannel('__proto__')).toBe(false);
    expect(isInvokeChannel('toString')).toBe(false);
    expect(isEventChannel(EVENT_CHANNELS[0])).toBe(true);
    expect(isEventChannel('app:info')).toBe(false);
  });

  it('accepts good requests and refuses extra keys, wrong types and prototype tricks', () => {
    expect(checkRequest('app:info', {})).toBeNull();
    expect(checkRequest('drives:list', { showSystem: true })).toBeNull();
    expect(checkRequest('drives:list', { imageId: 'image-1' })).toBeNull();
    expect(checkRequest('drives:list', { imageId: 5 })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(checkRequest('drives:list', JSON.parse('{"__proto__":{"x":1}}'))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(checkRequest('nope', {})).toMatchObject({ code: 'BAD_CHANNEL' });
    expect(checkRequest('image:open-path', { path: 'a\0b' })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(checkRequest('file:forget', { id: '../x' })).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('checks flash requests in depth', () => {
    const good = { imageId: 'image-1', options, targetIds: ['d1', 'd2'], verify: true, eject: true, confirmLarge: false };
    expect(isFlashRequest(good)).toBe(true);
    expect(isFlashRequest({ ...good, configId: 'file-1' })).toBe(true);
    expect(isFlashRequest({ ...good, targetIds: [] })).toBe(false);
    expect(isFlashRequest({ ...good, targetIds: Array.from({ length: 17 }, (_, i) => `d${i}`) })).toBe(false);
    expect(isFlashRequest({ ...good, verify: 'yes' })).toBe(false);
    expect(isFlashRequest({ ...good, options: { ...options, destDevice: '/dev/sda' } })).toBe(true);
    expect(isFlashRequest({ ...good, options: { ...options, destDevice: '/etc/passwd' } })).toBe(false);
    expect(isFlashRequest({ ...good, options: { ...options, extra: 1 } })).toBe(false);
  });

  it('recognises outcomes', () => {
    expect(isOutcome({ ok: true, value: null })).toBe(true);
    expect(isOutcome({ ok: false, error: { code: 'X', message: 'm' } })).toBe(true);
    expect(isOutcome({ ok: false })).toBe(false);
    expect(isOutcome('ok')).toBe(false);
  });
});

describe('bridge client helpers', () => {
  it('parses SSE blocks', () => {
    expect(parseSseBlock('event: drives:changed\ndata: {"a":1}')).toEqual({ event: 'drives:changed', data: { a: 1 } });
    expect(parseSseBlock(': keep-alive')).toBeNull();
    expect(parseSseBlock('event: x\ndata: {broken')).toBeNull();
  });
  it('reads the one-time sign-in code from the page URL fragment, never from the query', () => {
    expect(codeFromUrl('http://127.0.0.1:1/#code=abc')).toBe('abc');
    expect(codeFromUrl('http://127.0.0.1:1/?code=abc')).toBeNull();
    expect(codeFromUrl('http://127.0.0.1:1/')).toBeNull();
  });
});

describe('shell helpers', () => {
  it('picks openable files from argv', () => {
    expect(filesFromArgv(['/usr/bin/electron', '.', '--inspect', 'a.ign', 'b.iso', 'c.txt'], false)).toEqual(['a.ign', 'b.iso']);
    expect(filesFromArgv(['/opt/Flint/flint', '--no-sandbox', 'X.BU'], true)).toEqual(['X.BU']);
    expect(filesFromArgv(['/opt/Flint/flint', '--', '-odd.ign'], true)).toEqual(['-odd.ign']);
  });
  it('derives fromram RAM from the ISO size plus 2 GiB', () => {
    const r = ramForFromRam(1024 ** 3);
    expect(r.bytes).toBe(3 * 1024 ** 3);
    expect(r.note).toContain('2 GiB');
  });
  it('maps core phases to the four contract phases', () => {
    expect(['download', 'hash-image', 'check', 'write', 'flush', 'wipe', 'verify', 'ignition', 'eject'].map(contractPhase)).toEqual([
      'download',
      'verify-image',
      'write',
      'write',
      'write',
      'write',
      'verify-stick',
      'verify-stick',
      'verify-stick',
    ]);
  });
});
