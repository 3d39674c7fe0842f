/**
 * The Butane `fcos` variant fields Flint translates, with the Ignition key each becomes and the
 * first fcos minor version (1.x) that has it. Source: the Butane docs (config-fcos-v1_0 ... v1_6,
 * upgrading-fcos.md). Anything not listed here is rejected with an error naming it.
 */

/** A scalar or a list of scalars. */
export type ScalarKind = 'string' | 'int' | 'bool' | 'strings';

/** What a YAML node must be and how it translates. */
export type Shape =
  | ScalarKind
  | { kind: 'object'; fields: Record<string, Field> }
  | { kind: 'list'; of: Shape }
  | { kind: 'resource'; compression: number; inline: number }
  | { kind: 'custom'; name: 'contents_local' | 'ssh_keys_local'; of: ScalarKind };

/** One field: its shape, Ignition key (default: camelCase), minimum fcos minor, or why it is unsupported. */
export interface Field {
  shape: Shape;
  json?: string;
  since?: number;
  unsupported?: string;
  /** Allowed only in a config for the installed system (--dest-ignition); the live config gets this message. */
  installedOnly?: string;
  /** Kept aside by the walker and translated afterwards (these sections expand into several Ignition entries). */
  collect?: 'boot_device' | 'grub' | 'trees';
}

const f = (shape: Shape, since = 0, json?: string): Field => ({ shape, since, json });
const obj = (fields: Record<string, Field>): Shape => ({ kind: 'object', fields });
const list = (of: Shape): Shape => ({ kind: 'list', of });
const unsupported = (why: string, since = 0): Field => ({ shape: 'string', since, unsupported: why });
/** A section for installed systems only, translated after the walk (see installed.ts and trees.ts). */
const installedOnly = (collect: NonNullable<Field['collect']>, shape: Shape, since: number, why: string): Field => ({
  shape,
  since,
  json: '',
  collect,
  installedOnly: why,
});
/** A resource (source/inline/local...): `compression` and `inline` give the minor they appear in. */
const resource = (compression: number, inline: number): Shape => ({ kind: 'resource', compression, inline });

const owner = obj({ id: f('int'), name: f('string') });
const tang = list(obj({ url: f('string'), thumbprint: f('string'), advertisement: f('string', 4) }));

const storage = obj({
  disks: f(
    list(
      obj({
        device: f('string'),
        wipe_table: f('bool'),
        partitions: f(
          list(
            obj({
              label: f('string'),
              number: f('int'),
              size_mib: f('int', 0, 'sizeMiB'),
              start_mib: f('int', 0, 'startMiB'),
              type_guid: f('string', 0, 'typeGuid'),
              guid: f('string'),
              wipe_partition_entry: f('bool'),
              should_exist: f('bool'),
              resize: f('bool', 2),
            }),
          ),
        ),
      }),
    ),
  ),
  raid: f(list(obj({ name: f('string'), level: f('string'), devices: f('strings'), spares: f('int'), options: f('strings') }))),
  filesystems: f(
    list(
      obj({
        device: f('string'),
        format: f('string'),
        path: f('string'),
        wipe_filesystem: f('bool'),
        label: f('string'),
        uuid: f('string'),
        options: f('strings'),
        mount_options: f('strings', 1),
        with_mount_unit: { shape: 'bool', since: 1, json: '' },
      }),
    ),
  ),
  files: f(
    list(
      obj({
        path: f('string'),
        overwrite: f('bool'),
        contents: f(resource(0, 0)),
        append: f(list(resource(0, 0))),
        mode: f('int'),
        user: f(owner),
        group: f(owner),
      }),
    ),
  ),
  directories: f(list(obj({ path: f('string'), overwrite: f('bool'), mode: f('int'), user: f(owner), group: f(owner) }))),
  links: f(list(obj({ path: f('string'), overwrite: f('bool'), user: f(owner), group: f(owner), target: f('string'), hard: f('bool') }))),
  luks: f(
    list(
      obj({
        name: f('string'),
        device: f('string'),
        key_file: f(resource(2, 2)),
        label: f('string'),
        uuid: f('string'),
        options: f('strings'),
        discard: f('bool', 5),
        open_options: f('strings', 5),
        wipe_volume: f('bool'),
        clevis: f(
          obj({
            tang: f(tang),
            tpm2: f('bool'),
            threshold: f('int'),
            custom: f(obj({ pin: f('string'), config: f('string'), needs_network: f('bool') })),
          }),
        ),
        cex: unsupported('IBM Z crypto-express LUKS (cex) is not supported by Flint', 6),
      }),
    ),
    2,
  ),
  trees: installedOnly(
    'trees',
    list(obj({ local: f('string'), path: f('string') })),
    1,
    'storage.trees (embedding local directory trees) is not supported by Flint; list the files under storage.files with contents.local instead',
  ),
});

const unit = obj({
  name: f('string'),
  enabled: f('bool'),
  mask: f('bool'),
  contents: f('string'),
  contents_local: f({ kind: 'custom', name: 'contents_local', of: 'string' }, 5, 'contents'),
  dropins: f(
    list(
      obj({
        name: f('string'),
        contents: f('string'),
        contents_local: f({ kind: 'custom', name: 'contents_local', of: 'string' }, 5, 'contents'),
      }),
    ),
  ),
});

const user = obj({
  name: f('string'),
  password_hash: f('string'),
  ssh_authorized_keys: f('strings'),
  ssh_authorized_keys_local: f({ kind: 'custom', name: 'ssh_keys_local', of: 'strings' }, 5, 'sshAuthorizedKeys'),
  uid: f('int'),
  gecos: f('string'),
  home_dir: f('string'),
  no_create_home: f('bool'),
  primary_group: f('string'),
  groups: f('strings'),
  no_user_group: f('bool'),
  no_log_init: f('bool'),
  shell: f('string'),
  should_exist: f('bool', 2),
  system: f('bool'),
});

/** The root of a Butane fcos config (without `variant` and `version`, checked separately). */
export const BUTANE_ROOT: Shape = obj({
  ignition: f(
    obj({
      config: f(obj({ merge: f(list(resource(1, 1))), replace: f(resource(1, 1)) })),
      timeouts: f(obj({ http_response_headers: f('int'), http_total: f('int') })),
      security: f(obj({ tls: f(obj({ certificate_authorities: f(list(resource(1, 1))) })) })),
      proxy: f(obj({ http_proxy: f('string'), https_proxy: f('string'), no_proxy: f('strings') }), 1),
    }),
  ),
  storage: f(storage),
  systemd: f(obj({ units: f(list(unit)) })),
  passwd: f(
    obj({
      users: f(list(user)),
      groups: f(list(obj({ name: f('string'), gid: f('int'), password_hash: f('string'), should_exist: f('bool', 2), system: f('bool') }))),
    }),
  ),
  kernel_arguments: f(obj({ should_exist: f('strings'), should_not_exist: f('strings') }), 4),
  boot_device: installedOnly(
    'boot_device',
    obj({
      layout: f('string'),
      luks: f(
        obj({
          tang: f(tang),
          threshold: f('int'),
          tpm2: f('bool'),
          discard: f('bool', 5),
          device: f('string', 6),
          cex: unsupported('IBM Z crypto-express LUKS (cex) is not supported by Flint', 6),
        }),
      ),
      mirror: f(obj({ devices: f('strings') })),
    }),
    3,
    'boot_device (root-disk LUKS/mirroring) applies to installed systems, not to the live system: give it in the config for the installed system (--dest-ignition)',
  ),
  grub: installedOnly(
    'grub',
    obj({ users: f(list(obj({ name: f('string'), password_hash: f('string') }))) }),
    5,
    'grub (bootloader passwords) applies to installed systems, not to the live system: give it in the config for the installed system (--dest-ignition)',
  ),
});

/** Butane fcos version → Ignition spec version it produces. */
export const FCOS_TO_IGNITION: Readonly<Record<string, string>> = {
  '1.0.0': '3.0.0',
  '1.1.0': '3.1.0',
  '1.2.0': '3.2.0',
  '1.3.0': '3.2.0',
  '1.4.0': '3.3.0',
  '1.5.0': '3.4.0',
  '1.6.0': '3.5.0',
};

/** The Ignition key for a Butane key: explicit mapping or snake_case → camelCase. */
export function jsonKey(yamlKey: string, field: Field): string {
  return field.json ?? yamlKey.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
