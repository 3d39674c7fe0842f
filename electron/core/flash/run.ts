/**
 * The second half of the flash job: writes a prepared flash through a writer (in-process, the
 * elevated helper, or a test stand-in) in one run, so the image is read once for every stick even
 * when each stick carries its own customization (a fleet: the most common plan is the job's, the
 * others travel as per-target plans), and reports one result per target with how it ended. Every
 * front end (the app, `flint burn`, `flint write`) runs flashes through here.
 */
import { toErrorValue, type FlintError } from '../errors';
import { identityOf } from '../drives/target-safety';
import type { TargetResult, WriteEvent } from '../write/events';
import type { WriteJob } from '../write/job';
import { defaultWriter, type WriterLauncher } from '../write/writers';
import { cancelledBeforeWrite } from './prepare';
import type {
  FlashEvent,
  FlashReport,
  FlashTargetResult,
  PreparedCustomization,
  PreparedFlash,
  PreparedTarget,
  TargetIdentity,
} from './types';

/** Hooks of a running flash. */
export interface RunHooks {
  signal?: AbortSignal;
  onEvent?: (e: FlashEvent) => void;
  /** Who writes (default: in-process when this process may write raw devices, else the elevated helper). */
  writer?: WriterLauncher;
}

function identity(t: PreparedTarget): TargetIdentity {
  return { ...identityOf(t.drive), description: t.drive.description };
}

/** A target's result from the writer's, with what the job knows about it. */
function toResult(t: PreparedTarget, r: TargetResult): FlashTargetResult {
  const { device: _device, ignitionSha256, warnings, ...rest } = r;
  return {
    ...rest,
    target: identity(t),
    configSha256: ignitionSha256,
    expectedConfigSha256: t.customization.liveConfigSha256,
    kargs: t.customization.kargs,
    // a large drive's warning, unless the writer repeated it
    warnings: [...t.warnings.filter((w) => !warnings.some((x) => x.code === w.code)), ...warnings],
    ...(t.fleetRow ? { fleetRow: t.fleetRow } : {}),
  };
}

/** The result of a target that never reached the writer. */
function untouched(t: PreparedTarget, ending: 'cancelled-before-write' | 'not-written', err: FlintError): FlashTargetResult {
  return {
    target: identity(t),
    ok: false,
    ending,
    bytesWritten: 0,
    error: toErrorValue(err),
    verified: false,
    configSha256: null,
    expectedConfigSha256: t.customization.liveConfigSha256,
    kargs: t.customization.kargs,
    warnings: t.warnings,
    timings: {},
    ...(t.fleetRow ? { fleetRow: t.fleetRow } : {}),
  };
}

/**
 * The one write job of a prepared flash: the customization most targets share is the job's plan
 * (and config to read back), every other target carries its own.
 */
export function writeJobOf(prepared: PreparedFlash): WriteJob {
  const { request: req, image } = prepared;
  const count = new Map<PreparedCustomization, number>();
  for (const t of prepared.targets) count.set(t.customization, (count.get(t.customization) ?? 0) + 1);
  const main = [...count].sort((a, b) => b[1] - a[1])[0]![0];
  const others = prepared.targets.filter((t) => t.customization !== main);
  return {
    image: image.path,
    plan: main.plan,
    targets: prepared.targets.map((t) => identityOf(t.drive, t.confirmedName)),
    allowLoop: req.allowLoop ?? false,
    verify: req.verify !== false,
    eject: req.eject === true,
    expectIgnitionSha256: main.liveConfigSha256,
    // a verified download's SHA-256 is known: the writer need not hash the image for it
    ...(image.sha256 ? { imageSha256Known: true } : {}),
    ...(others.length
      ? {
          perTarget: others.map((t) => ({
            device: t.drive.device,
            plan: t.customization.plan,
            expectIgnitionSha256: t.customization.liveConfigSha256,
          })),
        }
      : {}),
  };
}

/** Relays a writer event as a flash event. */
function relay(e: WriteEvent, emit: (e: FlashEvent) => void): void {
  if (e.type === 'progress') {
    const p: FlashEvent = { type: 'progress', phase: e.phase, device: e.device, bytes: e.bytes, total: e.total };
    if (e.speed) {
      p.speed = e.speed;
      p.eta = Math.max(0, (e.total - e.bytes) / e.speed);
    }
    emit(p);
  } else if (e.type === 'log') emit({ type: 'log', ...(e.device ? { device: e.device } : {}), message: e.message });
}

/**
 * Runs a prepared flash. Never throws for what happens to a stick: a writer that cannot start
 * (authorization refused) or a cancel leaves each stick with its own ending in the report.
 */
export async function runFlash(prepared: PreparedFlash, hooks: RunHooks = {}): Promise<FlashReport> {
  const startedAt = new Date().toISOString();
  const { image } = prepared;
  const writer = hooks.writer ?? defaultWriter();
  const emit = hooks.onEvent ?? (() => undefined);
  const results = new Map<PreparedTarget, FlashTargetResult>();
  const done = (t: PreparedTarget, r: FlashTargetResult) => {
    results.set(t, r);
    emit({ type: 'target-done', result: r });
  };
  const byDevice = new Map(prepared.targets.map((t) => [t.drive.device, t]));
  if (hooks.signal?.aborted) {
    for (const t of prepared.targets) done(t, untouched(t, 'cancelled-before-write', cancelledBeforeWrite()));
  } else {
    try {
      const run = await writer.run(writeJobOf(prepared), {
        signal: hooks.signal,
        onEvent: (e) => {
          relay(e, emit);
          if (e.type !== 'target-done') return;
          const t = byDevice.get(e.result.device);
          if (t && !results.has(t)) done(t, toResult(t, e.result));
        },
      });
      if (run.sourceSha256 && !image.sha256) image.sha256 = run.sourceSha256;
      for (const r of run.results) {
        const t = byDevice.get(r.device);
        if (t && !results.has(t)) done(t, toResult(t, r));
      }
    } catch (err) {
      // nothing was written (authorization refused, the helper would not start)
      for (const t of prepared.targets) if (!results.has(t)) done(t, untouched(t, 'not-written', err as FlintError));
    }
  }
  const targets = prepared.targets.map((t) => results.get(t)!);
  const customizations = [...new Set(prepared.targets.map((t) => t.customization))];
  return {
    ok: targets.every((t) => t.ok),
    cancelled: hooks.signal?.aborted ?? false,
    image,
    writer: writer.kind,
    targets,
    messages: [...new Set(customizations.flatMap((c) => c.messages))],
    configWarnings: customizations.flatMap((c) => c.configWarnings),
    kargWarnings: customizations.flatMap((c) => c.kargWarnings),
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}
