import { FlintError } from '../errors';

/** A value of an XML property list (what `diskutil -plist` prints). */
export type PlistValue = string | number | boolean | Uint8Array | PlistValue[] | { [key: string]: PlistValue };

const TOKEN = /<(\/?)([a-zA-Z]+)(?:\s[^>]*?)?(\s*\/)?>|([^<]+)/g;

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

/** Parses an Apple XML property list (dict, array, string, integer, real, true, false, data, date). */
export function parsePlist(xml: string): PlistValue {
  const body = xml
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  const tokens: { close: boolean; tag?: string; selfClose?: boolean; text?: string }[] = [];
  for (const m of body.matchAll(TOKEN)) {
    if (m[4] !== undefined) {
      if (m[4].trim()) tokens.push({ close: false, text: m[4] });
    } else tokens.push({ close: m[1] === '/', tag: m[2], selfClose: !!m[3] });
  }
  let i = 0;
  const fail = (why: string): never => {
    throw new FlintError('PLIST_INVALID', `diskutil printed an unreadable property list: ${why}`);
  };
  const expectClose = (tag: string) => {
    const t = tokens[i++];
    if (!t || !t.close || t.tag !== tag) fail(`expected </${tag}>`);
  };
  const textUntil = (tag: string): string => {
    let s = '';
    while (tokens[i] && tokens[i].text !== undefined) s += tokens[i++].text;
    expectClose(tag);
    return unescapeXml(s);
  };
  const value = (): PlistValue => {
    const t = tokens[i++];
    if (!t || t.close || !t.tag) return fail('expected a value');
    const tag = t.tag;
    if (t.selfClose) {
      if (tag === 'true') return true;
      if (tag === 'false') return false;
      if (tag === 'string') return '';
      if (tag === 'array') return [];
      if (tag === 'dict') return {};
      return fail(`unexpected <${tag}/>`);
    }
    switch (tag) {
      case 'string':
      case 'date':
        return textUntil(tag);
      case 'integer':
      case 'real': {
        const n = Number(textUntil(tag).trim());
        return Number.isFinite(n) ? n : fail(`bad number in <${tag}>`);
      }
      case 'true':
      case 'false':
        expectClose(tag);
        return tag === 'true';
      case 'data':
        return new Uint8Array(Buffer.from(textUntil(tag).replace(/\s+/g, ''), 'base64'));
      case 'array': {
        const out: PlistValue[] = [];
        while (tokens[i] && !(tokens[i].close && tokens[i].tag === 'array')) out.push(value());
        expectClose('array');
        return out;
      }
      case 'dict': {
        const out: { [key: string]: PlistValue } = {};
        while (tokens[i] && !(tokens[i].close && tokens[i].tag === 'dict')) {
          const k = tokens[i++];
          if (k.tag !== 'key' || k.close) fail('expected <key>');
          out[textUntil('key')] = value();
        }
        expectClose('dict');
        return out;
      }
      default:
        return fail(`unknown element <${tag}>`);
    }
  };
  const root = tokens[i++];
  if (!root || root.tag !== 'plist') fail('missing <plist>');
  const v = value();
  expectClose('plist');
  return v;
}
