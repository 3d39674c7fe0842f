import { describe, expect, it } from 'vitest';
import type { ErrorParams } from '../../../electron/contract/error-codes';
import { FlintError } from '../../../electron/core/errors';
import { readCsv } from '../../../electron/core/fleet/csv';
import { normalizeMac, parseFleet, problemLine } from '../../../electron/core/fleet/manifest';
import { rowCustomization, rowFieldSettings } from '../../../electron/core/fleet/row-settings';

const KEY_A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAbcdefghijklmnopqrstuvwxyz0123456789ABCDEFG alice@site';
const KEY_B = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBbcdefghijklmnopqrstuvwxyz0123456789ABCDEFG bob@site';

/** The problems of an invalid manifest (fails the test when it parses). */
function problems(name: string, text: string): ErrorParams['FLEET_INVALID']['problems'] {
  try {
    parseFleet(name, text);
  } catch (err) {
    expect(err).toBeInstanceOf(FlintError);
    expect((err as FlintError).code).toBe('FLEET_INVALID');
    return ((err as FlintError).params as ErrorParams['FLEET_INVALID']).problems;
  }
  throw new Error('expected FLEET_INVALID');
}

describe('CSV reader', () => {
  it('reads quotes, doubled quotes, fields over several lines, CRLF, a BOM, comments and blank lines', () => {
    const { records, errors } = readCsv('\uFEFFname,ssh_keys\r\n# a comment\r\n\r\nn1,"a ""b"", c\nline 2"\r\nn2,\n');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['name', 'ssh_keys'] },
      { line: 4, fields: ['n1', 'a "b", c\nline 2'] },
      { line: 6, fields: ['n2', ''] },
    ]);
  });

  it('names the line of an unclosed quote and of a stray quote', () => {
    expect(readCsv('a,b\nx,"open\nmore\n').errors).toEqual([
      { line: 2, code: 'FLEET_CSV_UNCLOSED_QUOTE', message: 'a quoted field opened on line 2 is never closed' },
    ]);
    expect(readCsv('a\nx"y\nz\n').errors).toEqual([
      { line: 2, code: 'FLEET_CSV_STRAY_QUOTE', message: expect.stringContaining('a quote inside an unquoted field') },
    ]);
    expect(readCsv('a\n"x"y\n').errors[0]).toMatchObject({
      line: 2,
      code: 'FLEET_CSV_TEXT_AFTER_QUOTE',
      message: expect.stringContaining('text after a closing quote'),
    });
  });
});

describe('fleet manifests', () => {
  const csv = [
    'Name,Host name,IP,Gateway,DNS,SSH keys,MAC,kargs',
    `node1,node1.site.example,10.0.0.11/24,10.0.0.1,10.0.0.1;1.1.1.1,"${KEY_A}\n${KEY_B}",52:54:00:AA:00:01,console=ttyS0`,
    'node2,node2.site.example,10.0.0.12/24,10.0.0.1,,,52-54-00-aa-00-02,',
    'node3,,,,,,,',
  ].join('\n');

  it('reads a CSV manifest into checked, normalized rows', () => {
    const m = parseFleet('fleet.csv', csv);
    expect(m.format).toBe('csv');
    expect(m.rows).toEqual([
      {
        row: 1,
        line: 2,
        name: 'node1',
        hostname: 'node1.site.example',
        staticIp: { address: '10.0.0.11/24', gateway: '10.0.0.1', dns: ['10.0.0.1', '1.1.1.1'] },
        sshKeys: [KEY_A, KEY_B],
        mac: '52:54:00:aa:00:01',
        kargs: ['console=ttyS0'],
      },
      {
        row: 2,
        line: 4,
        name: 'node2',
        hostname: 'node2.site.example',
        staticIp: { address: '10.0.0.12/24', gateway: '10.0.0.1', dns: [] },
        sshKeys: [],
        mac: '52:54:00:aa:00:02',
        kargs: [],
      },
      { row: 3, line: 5, name: 'node3', sshKeys: [], kargs: [] },
    ]);
  });

  it('reads the same machines from YAML (a list under machines:, lists or text)', () => {
    const yaml = [
      '# site A, row 4',
      'machines:',
      '  - name: node1',
      '    hostname: node1.site.example',
      '    ip: 10.0.0.11/24',
      '    gateway: 10.0.0.1',
      '    dns: [10.0.0.1, 1.1.1.1]',
      '    ssh_keys:',
      `      - ${KEY_A}`,
      `      - ${KEY_B}`,
      '    mac: 52:54:00:AA:00:01',
      '    kargs: console=ttyS0',
      '  - name: node2',
      '    hostname: node2.site.example',
      '    ip: 10.0.0.12/24',
      '    gateway: 10.0.0.1',
      '    mac: 5254.00aa.0002',
      '  - name: node3',
    ].join('\n');
    const fromYaml = parseFleet('fleet.yaml', yaml);
    const fromCsv = parseFleet('fleet.csv', csv);
    expect(fromYaml.format).toBe('yaml');
    const strip = (rows: typeof fromCsv.rows) => rows.map(({ line: _l, ...r }) => r);
    expect(strip(fromYaml.rows)).toEqual(strip(fromCsv.rows));
    expect(fromYaml.rows.map((r) => r.line)).toEqual([3, 13, 18]);
    // a top-level list works too; no extension: the content decides
    expect(parseFleet('fleet', '- name: a\n- name: b\n').rows.map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('reports every problem of a CSV manifest with its line, row and field', () => {
    const bad = [
      'name,hostname,ip,gateway,mac,kargs,colour',
      'n1,-bad-,10.0.0.1/24,,zz:zz,"a""b",red',
      'n2,ok,10.0.0.2,10.0.0.1,01:00:5e:00:00:01,,',
      'n2,ok,,10.0.0.1,52:54:00:00:00:01,,',
      'n3,,,,52:54:00:00:00:01,,',
    ].join('\n');
    const p = problems('fleet.csv', bad);
    expect(p.map(problemLine)).toEqual([
      'line 1: unknown column "colour" (known: name, hostname, ip, gateway, dns, interface, sshKeys, mac, kargs)',
      'line 2 (row 1, hostname): "-bad-" is not a valid host name (letters, digits and inner hyphens; dots between labels)',
      'line 2 (row 1, gateway): the static address 10.0.0.1/24 needs a gateway',
      'line 2 (row 1, mac): "zz:zz" is not a MAC address (e.g. 52:54:00:12:34:56)',
      `line 2 (row 1, kargs): kernel argument 'a"b' has an unclosed double quote`,
      'line 3 (row 2, ip): address "10.0.0.2" is not an address with a prefix length (e.g. 192.168.1.20/24)',
      "line 3 (row 2, mac): 01:00:5e:00:00:01 is a multicast address, not a network card's",
      'line 4 (row 3, gateway): a gateway, DNS servers or an interface need the static address (ip)',
      'line 4 (row 3, name): the name n2 is also on line 3 (n2)',
      'line 4 (row 3, hostname): the host name ok is also on line 3 (n2)',
      'line 5 (row 4, mac): the MAC address 52:54:00:00:00:01 is also on line 4 (n2)',
    ]);
    // the same problems as values: each front end words the code and its parameters
    expect(p.map((x) => [x.code, x.params ?? {}])).toEqual([
      ['FLEET_UNKNOWN_COLUMN', { name: 'colour', known: 'name, hostname, ip, gateway, dns, interface, sshKeys, mac, kargs' }],
      ['HOSTNAME_INVALID', { hostname: '-bad-' }],
      ['FLEET_GATEWAY_MISSING', { ip: '10.0.0.1/24' }],
      ['FLEET_MAC_INVALID', { mac: 'zz:zz' }],
      ['KARG_UNBALANCED_QUOTE', { arg: 'a"b' }],
      ['STATIC_IP_INVALID', { reason: 'address', value: '10.0.0.2' }],
      ['FLEET_MAC_MULTICAST', { mac: '01:00:5e:00:00:01' }],
      ['FLEET_ADDRESS_MISSING', {}],
      ['FLEET_DUPLICATE', { value: 'n2', line: 3, name: 'n2' }],
      ['FLEET_DUPLICATE', { value: 'ok', line: 3, name: 'n2' }],
      ['FLEET_DUPLICATE', { value: '52:54:00:00:00:01', line: 4, name: 'n2' }],
    ]);
  });

  it('refuses repeated names, host names, addresses and MACs, naming the first line', () => {
    const p = problems(
      'f.csv',
      [
        'name,hostname,ip,gateway,mac',
        'a,h1,10.0.0.1/24,10.0.0.254,52:54:00:00:00:01',
        'A,H1,10.0.0.1/16,10.0.0.254,52-54-00-00-00-01',
      ].join('\n'),
    );
    expect(p.map((x) => x.message)).toEqual([
      'the name a is also on line 2 (a)',
      'the host name h1 is also on line 2 (a)',
      'the address 10.0.0.1 is also on line 2 (a)',
      'the MAC address 52:54:00:00:00:01 is also on line 2 (a)',
    ]);
  });

  it('reports YAML problems at the key that has them', () => {
    const p = problems('f.yml', ['machines:', '  - name: a', '    mac: nope', '    colour: red', '  - hostname: b', '  - 42'].join('\n'));
    expect(p.map(problemLine)).toEqual([
      'line 3 (row 1, mac): "nope" is not a MAC address (e.g. 52:54:00:12:34:56)',
      'line 4: unknown field "colour"',
      'line 5 (row 2, name): every machine needs a name',
      'line 6: each machine is a mapping of fields (name: ..., hostname: ...)',
    ]);
    expect(p.map((x) => x.code)).toEqual(['FLEET_MAC_INVALID', 'FLEET_UNKNOWN_FIELD', 'FLEET_NAME_MISSING', 'FLEET_YAML_NOT_MAPPING']);
    expect(problems('f.yaml', 'machines:\n  - name: a\n    name: b\n')[0]!.message).toMatch(/not valid YAML/);
    expect(problems('f.yaml', 'base: &b {name: a}\nmachines:\n  - name: *b\n').map((x) => x.message)).toEqual([
      'unknown top-level key "base" (expected machines:)',
      'aliases (*name) are not supported in a fleet manifest',
      'every machine needs a name',
    ]);
    expect(problems('f.yaml', 'machines: 3\n')[0]!.message).toMatch(/expected a list of machines/);
  });

  it('says a manifest without machines or without a name column is not one', () => {
    expect(problems('f.csv', '')[0]!.message).toBe('the manifest lists no machines');
    expect(problems('f.csv', 'hostname\nh1\n').map((x) => x.message)).toEqual([
      'the header must name a "name" column (the first line lists the columns)',
      'every machine needs a name',
    ]);
  });

  it('normalizes the usual MAC notations and refuses mixed ones', () => {
    for (const m of ['52:54:00:AB:CD:EF', '52-54-00-ab-cd-ef', '525400abcdef', '5254.00ab.cdef'])
      expect(normalizeMac(m)).toBe('52:54:00:ab:cd:ef');
    expect(normalizeMac('52:54-00:ab:cd:ef')).toBeNull();
    expect(normalizeMac('52:54:00:ab:cd')).toBeNull();
  });
});

describe('a row on top of the common config', () => {
  const [row] = parseFleet(
    'f.csv',
    `name,hostname,ip,gateway,dns,ssh_keys,kargs\nn1,n1.example,10.0.0.11/24,10.0.0.1,10.0.0.1,${KEY_A},quiet\n`,
  ).rows;

  it('adds its settings fragment last, replaces a common keyfile of the same name and appends its kargs', () => {
    const common = {
      liveConfigs: [{ name: 'site.ign', data: new Uint8Array([1]) }],
      options: {
        networkKeyfile: [
          { name: '/etc/site/static.nmconnection', data: new Uint8Array([2]) },
          { name: 'mgmt.nmconnection', data: new Uint8Array([3]) },
        ],
        liveKargAppend: ['console=ttyS0'],
      },
    };
    const c = rowCustomization(common, row!);
    expect(c.liveConfigs!.map((x) => x.name)).toEqual(['site.ign', 'fleet-n1.ign']);
    const fragment = JSON.parse(new TextDecoder().decode(c.liveConfigs![1]!.data));
    expect(fragment.passwd.users[0]).toEqual({ name: 'core', sshAuthorizedKeys: [KEY_A] });
    expect(fragment.storage.files[0].path).toBe('/etc/hostname');
    expect(c.options!.networkKeyfile!.map((k) => k.name)).toEqual(['mgmt.nmconnection', 'static.nmconnection']);
    expect(new TextDecoder().decode(c.options!.networkKeyfile![1]!.data)).toContain('address1=10.0.0.11/24,10.0.0.1');
    expect(c.options!.liveKargAppend).toEqual(['console=ttyS0', 'quiet']);
    expect(common.liveConfigs).toHaveLength(1); // the common customization is untouched
    expect(rowFieldSettings(row!).networkKeyfiles).toHaveLength(1);
  });
});
