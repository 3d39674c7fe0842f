import { describe, expect, it } from 'vitest';
import { decodeJob, encodeJob, type WriteJob } from '../../../electron/core/write/job';
import { parseEventLine, HelperExit } from '../../../electron/core/write/events';
import { ERROR_CODES } from '../../../electron/contract/error-codes';
import { checkIdentity, recheckTarget } from '../../../electron/core/drives/target-safety';
import { parseLsblk } from '../../../electron/core/drives/lsblk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const job: WriteJob = {
  image: '/srv/fcos.iso',
  plan: { imageSize: 4096, writes: [{ offset: 100, bytes: new Uint8Array([1, 2, 255]) }] },
  targets: [{ device: '/dev/sdb', size: 16e9, serial: 'S1', model: 'Ultra' }],
  allowLoop: false,
  verify: true,
  eject: true,
  expectIgnitionSha256: 'a'.repeat(64),
};

describe('write job', () => {
  it('round-trips with the plan as base64', () => {
    const text = encodeJob(job);
    expect(JSON.parse(text).plan.writes).toEqual([{ offset: 100, data: 'AQL/' }]);
    expect(decodeJob(text)).toEqual(job);
    // "must carry no config" travels as null, "not checked" as no field
    expect(decodeJob(encodeJob({ ...job, expectIgnitionSha256: null })).expectIgnitionSha256).toBeNull();
    const { expectIgnitionSha256: _, ...unchecked } = job;
    expect('expectIgnitionSha256' in decodeJob(encodeJob(unchecked))).toBe(false);
    // a known image SHA-256 (verified download) travels as a flag; absent means "measure it"
    expect(decodeJob(encodeJob({ ...job, imageSha256Known: true })).imageSha256Known).toBe(true);
    expect('imageSha256Known' in decodeJob(encodeJob(job))).toBe(false);
  });

  it('carries per-target plans (one config per stick) and checks each names a target with the same image size', () => {
    const fleet: WriteJob = {
      ...job,
      targets: [...job.targets, { device: '/dev/sdc', size: 16e9, serial: 'S2', model: 'Ultra' }],
      perTarget: [
        { device: '/dev/sdc', plan: { imageSize: 4096, writes: [{ offset: 8, bytes: new Uint8Array([7]) }] }, expectIgnitionSha256: null },
      ],
    };
    expect(decodeJob(encodeJob(fleet))).toEqual(fleet);
    const bad = (perTarget: unknown) => () => decodeJob(JSON.stringify({ ...JSON.parse(encodeJob(fleet)), perTarget }));
    const one = JSON.parse(encodeJob(fleet)).perTarget[0];
    expect(bad([{ ...one, device: '/dev/sdz' }])).toThrow(/names no target/);
    expect(bad([one, one])).toThrow(/gives \/dev\/sdc twice/);
    expect(bad([{ ...one, plan: { imageSize: 8192, writes: [] } }])).toThrow(/another image size/);
    expect(bad([{ ...one, expectIgnitionSha256: 'zz' }])).toThrow(/64 hex/);
    expect(bad({})).toThrow(/must be a list/);
  });

  it('rejects malformed jobs with WRITE_JOB_INVALID naming the problem', () => {
    const bad = (patch: object) => () => decodeJob(JSON.stringify({ ...JSON.parse(encodeJob(job)), ...patch }));
    expect(() => decodeJob('nope')).toThrow(
      expect.objectContaining({
        code: ERROR_CODES.WRITE_JOB_INVALID,
        message: 'invalid write job: not JSON',
        params: { reason: 'not JSON' },
      }),
    );
    expect(bad({ version: 2 })).toThrow(/version 2/);
    expect(bad({ image: 'relative.iso' })).toThrow(/absolute path/);
    expect(bad({ targets: [] })).toThrow(/no targets/);
    expect(bad({ targets: [job.targets[0], job.targets[0]] })).toThrow(/given twice/);
    expect(bad({ plan: { imageSize: 10, writes: [{ offset: 9, data: 'AQID' }] } })).toThrow(/outside/);
    expect(bad({ expectIgnitionSha256: 'xyz' })).toThrow(/64 hex/);
  });

  it('parses event lines and ignores noise', () => {
    expect(parseEventLine('{"type":"log","message":"hi"}')).toEqual({ type: 'log', message: 'hi' });
    expect(parseEventLine('Debugger attached.')).toBeNull();
    expect(parseEventLine('{broken')).toBeNull();
    expect(HelperExit).toEqual({ OK: 0, TARGET_FAILED: 1, BAD_JOB: 2, CANCELLED: 3, INTERNAL: 4 });
  });
});

describe("the writer's own check before opening (on a fresh listing)", () => {
  const drives = parseLsblk(readFileSync(join(__dirname, '..', '..', 'fixtures', 'lsblk', 'usb-root-data-disk.json'), 'utf8'), {
    protectedPaths: [],
  });
  const sdd = drives.find((d) => d.device === '/dev/sdd')!;
  const id = { device: '/dev/sdd', size: sdd.size, serial: sdd.serial, model: sdd.model };

  it('accepts the drive the user saw', () => {
    expect(recheckTarget(id, drives, { imageSize: 1e9, allowLoop: false }).drive.device).toBe('/dev/sdd');
  });

  it('refuses a swapped stick, a vanished one, a partition and the disk holding /', () => {
    expect(() => recheckTarget({ ...id, serial: 'OTHER' }, drives, { imageSize: 1, allowLoop: false })).toThrow(
      expect.objectContaining({ code: ERROR_CODES.WRITE_TARGET_CHANGED }),
    );
    expect(() => checkIdentity({ ...id, size: 1 }, sdd)).toThrow(/no longer the drive you picked/);
    expect(() => recheckTarget({ ...id, device: '/dev/sde' }, drives, { imageSize: 1, allowLoop: false })).toThrow(
      expect.objectContaining({ code: ERROR_CODES.WRITE_TARGET_NOT_FOUND }),
    );
    expect(() => recheckTarget({ ...id, device: '/dev/sda2' }, drives, { imageSize: 1, allowLoop: false })).toThrow(
      expect.objectContaining({ code: ERROR_CODES.WRITE_TARGET_NOT_FOUND }),
    );
    const sda = drives.find((d) => d.device === '/dev/sda')!;
    expect(() =>
      recheckTarget({ device: '/dev/sda', size: sda.size, serial: sda.serial, model: sda.model }, drives, {
        imageSize: 1,
        allowLoop: false,
      }),
    ).toThrow(expect.objectContaining({ code: ERROR_CODES.WRITE_SYSTEM_DEVICE }));
  });
});
