import type { ErrorObject } from 'ajv';
import { IGNITION_SCHEMAS, type Schema } from './schema-files';
import { validatorFor } from './schema-validators';
import { type ConfigIssue, isObject, jsonPath } from './types';

export { IGNITION_SCHEMAS, SUPPORTED_IGNITION_VERSIONS } from './schema-files';

/** Converts an Ajv instance path (JSON pointer) to Flint's `$.a.b[0]` form. */
export function pointerToPath(pointer: string): string {
  let path = '$';
  if (!pointer) return path;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = jsonPath(path, /^\d+$/.test(part) ? Number(part) : part);
  }
  return path;
}

function describe(e: ErrorObject): ConfigIssue {
  const at = pointerToPath(e.instancePath);
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty: string }).missingProperty);
    return {
      code: 'SCHEMA_REQUIRED',
      path: jsonPath(at, missing),
      message: `required field "${missing}" is missing`,
      params: { field: missing },
    };
  }
  if (e.keyword === 'type') {
    const want = (e.params as { type: string | string[] }).type;
    const kinds = (Array.isArray(want) ? want : String(want).split(',')).filter((t) => t !== 'null');
    return { code: 'SCHEMA_TYPE', path: at, message: `must be of type ${kinds.join(' or ')}`, params: { types: kinds.join(' | ') } };
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
    const values = allowed.map((v) => JSON.stringify(v)).join(', ');
    return { code: 'SCHEMA_ENUM', path: at, message: `must be one of ${values}`, params: { allowed: values } };
  }
  return {
    code: 'SCHEMA',
    path: at,
    message: e.message ?? `fails the "${e.keyword}" rule of the Ignition schema`,
    params: { keyword: e.keyword, ...(e.message ? { detail: e.message } : {}) },
  };
}

/** Validates `config` against the official schema of `version`; returns one issue per problem. */
export function schemaIssues(config: unknown, version: string): ConfigIssue[] {
  const fn = validatorFor(version);
  if (fn(config)) return [];
  const seen = new Set<string>();
  const out: ConfigIssue[] = [];
  for (const e of fn.errors ?? []) {
    if (e.keyword === 'allOf' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const issue = describe(e);
    const key = `${issue.path}|${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(issue);
    }
  }
  return out;
}

function resolve(root: Schema, node: Schema): Schema {
  let cur = node;
  for (let hops = 0; typeof cur.$ref === 'string' && hops < 32; hops++) {
    let target: unknown = root;
    for (const part of (cur.$ref as string).replace(/^#\/?/, '').split('/').filter(Boolean)) {
      target = isObject(target) ? target[part] : undefined;
    }
    if (!isObject(target)) return {};
    cur = target;
  }
  return cur;
}

/** Collects the object properties a schema node allows (following `$ref` and `allOf`). */
function properties(root: Schema, node: Schema): { props: Record<string, Schema> | null; items: Schema | null } {
  const n = resolve(root, node);
  let props: Record<string, Schema> | null = isObject(n.properties) ? { ...(n.properties as Record<string, Schema>) } : null;
  let items: Schema | null = isObject(n.items) ? (n.items as Schema) : null;
  for (const part of Array.isArray(n.allOf) ? (n.allOf as Schema[]) : []) {
    const sub = properties(root, part);
    if (sub.props) props = { ...(props ?? {}), ...sub.props };
    if (sub.items) items = sub.items;
  }
  return { props, items };
}

/**
 * Lists keys the schema of `version` does not know (Ignition ignores them with an "Unused key"
 * warning; they are usually typos such as `wipe_filesystem` instead of `wipeFilesystem`).
 */
export function unknownKeys(config: unknown, version: string): ConfigIssue[] {
  const root = IGNITION_SCHEMAS[version];
  const out: ConfigIssue[] = [];
  const walk = (value: unknown, node: Schema, at: string): void => {
    const { props, items } = properties(root, node);
    if (isObject(value) && props) {
      for (const [k, v] of Object.entries(value)) {
        if (k in props) walk(v, props[k], jsonPath(at, k));
        else
          out.push({
            code: 'UNKNOWN_KEY',
            path: jsonPath(at, k),
            message: `unused key "${k}": Ignition ${version} does not know it and ignores it`,
            params: { key: k, version },
          });
      }
    } else if (Array.isArray(value) && items) {
      value.forEach((v, i) => walk(v, items, jsonPath(at, i)));
    }
  };
  walk(config, root, '$');
  return out;
}
