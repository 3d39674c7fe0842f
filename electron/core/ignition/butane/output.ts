import { mergeConfig } from '../merge';
import { schemaIssues } from '../schema';
import { semanticIssues } from '../semantics';
import { type JsonObject, isObject } from '../types';
import { mountUnit } from './mount-units';
import type { Node } from 'yaml';
import type { Ctx } from './walk';

/** Butane fcos 1.6 (config/fcos/v1_6/validate.go): a generated mount unit may only mount under /etc or /var. */
const MOUNT_UNIT_PATHS = /^\/(etc|var)(\/|$)/;

export function addMountUnits(ctx: Ctx, config: JsonObject): JsonObject {
  if (ctx.mounts.length === 0) return config;
  const luks = isObject(config.storage) && Array.isArray(config.storage.luks) ? (config.storage.luks as JsonObject[]) : [];
  const units: JsonObject[] = [];
  for (const m of ctx.mounts) {
    const { device, format, path, mountOptions } = m.fs as { device?: string; format?: string; path?: string; mountOptions?: string[] };
    if (!device || !format) {
      ctx.errors.push({
        code: 'BUTANE_MOUNT_UNIT',
        path: `${m.path}.format`,
        message: 'with_mount_unit needs device and format',
        params: { reason: 'device-format' },
        line: m.line,
        column: m.column,
      });
      continue;
    }
    if (format === 'swap' && ctx.minor < 4) {
      ctx.errors.push({
        code: 'BUTANE_FIELD_VERSION',
        path: `${m.path}.with_mount_unit`,
        message: 'swap units from with_mount_unit need Butane fcos 1.4.0 or newer',
        params: { reason: 'swap', since: '1.4.0', version: ctx.version },
        line: m.line,
        column: m.column,
      });
      continue;
    }
    if (ctx.minor >= 6 && path && !MOUNT_UNIT_PATHS.test(path)) {
      ctx.errors.push({
        code: 'BUTANE_MOUNT_UNIT',
        path: `${m.path}.path`,
        message: `with_mount_unit can only mount under /etc or /var in fcos ${ctx.version}, not at ${path}`,
        params: { reason: 'outside', version: ctx.version, path },
        line: ctx.where.get(`${m.jp}.path`)?.line ?? m.line,
        column: ctx.where.get(`${m.jp}.path`)?.column ?? m.column,
      });
      continue;
    }
    if (format !== 'swap' && !path) {
      ctx.errors.push({
        code: 'BUTANE_MOUNT_UNIT',
        path: `${m.path}.path`,
        message: 'with_mount_unit needs a path to mount the filesystem at',
        params: { reason: 'no-path' },
        line: m.line,
        column: m.column,
      });
      continue;
    }
    const name = /^\/dev\/(?:mapper\/|disk\/by-id\/dm-name-)(.+)$/.exec(device)?.[1];
    const remote =
      !!name && luks.some((l) => l.name === name && isObject(l.clevis) && Array.isArray(l.clevis.tang) && l.clevis.tang.length > 0);
    units.push(mountUnit({ device, format, path, mountOptions, remote }));
  }
  return mergeConfig({ systemd: { units } }, config);
}

/**
 * Runs Ignition's schema and semantic rules on the translated config (as Butane does) and reports
 * each problem at the YAML line the offending JSON entry came from.
 */
export function checkOutput(ctx: Ctx, config: JsonObject, version: string): void {
  for (const i of [...schemaIssues(config, version), ...semanticIssues(config, version).errors]) {
    let p = i.path;
    let from = ctx.where.get(p);
    while (!from && p !== '$' && p.length > 0) {
      p = p.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '');
      from = ctx.where.get(p);
      if (p === '$') break;
    }
    const loc = from ?? { path: '$', line: 1, column: 1 };
    ctx.errors.push({
      code: i.code,
      path: loc.path,
      line: loc.line,
      column: loc.column,
      message: loc.path === i.path ? i.message : `${i.message} (in the Ignition output at ${i.path})`,
    });
  }
}

/** Drops empty objects and lists (Butane omits them) and sorts keys for stable output. */
export function tidy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(tidy);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) {
    const t = tidy(v[k]);
    if ((Array.isArray(t) && t.length === 0) || (isObject(t) && Object.keys(t).length === 0)) continue;
    out[k] = t;
  }
  return out;
}

/** Runs Ignition's rules on the final config (with boot_device/grub entries) and reports them at that section. */
export function checkGenerated(ctx: Ctx, config: JsonObject, version: string, node: Node, path: string): void {
  for (const i of [...schemaIssues(config, version), ...semanticIssues(config, version).errors]) {
    ctx.errors.push({ code: i.code, path, message: `${i.message} (in the Ignition output at ${i.path})`, ...ctx.y.at(node) });
  }
}
