import { configReady } from '../store/config';
import { flashBlockers } from '../store/flash';
import { useWizard } from '../store';
import { fieldProblems, optionProblems } from '../store/options';
import { pxeBaseUrlPending } from '../store/netboot';
import { stepsOf, type StepId } from '../store/ui';
import type { WizardState } from '../store/types';

/** Labels of the steps. */
export const STEP_LABELS: Record<StepId, string> = {
  config: 'Config',
  image: 'Image',
  options: 'Options',
  target: 'Target',
  flash: 'Flash',
  netboot: 'Network boot',
  output: 'Output',
};

type Status = 'done' | 'problem' | 'todo';

function status(s: WizardState, step: StepId): Status {
  switch (step) {
    case 'config':
      if (s.configError || (s.config && !s.config.report?.ok) || fieldProblems(s).length > 0) return 'problem';
      return configReady(s) ? 'done' : 'todo';
    case 'image':
      if (s.imageError) return 'problem';
      return s.image ? 'done' : 'todo';
    case 'options':
      return optionProblems(s).length > 0 ? 'problem' : s.image ? 'done' : 'todo';
    case 'target':
      return s.selectedIds.length > 0 ? 'done' : 'todo';
    case 'flash':
      if (s.finished) return s.finished.ok ? 'done' : 'problem';
      return 'todo';
    case 'netboot':
      // an untouched Base URL is a question still open, not a problem (the step says what it needs)
      if (s.pxePreviewError && !pxeBaseUrlPending(s)) return 'problem';
      return s.pxePreview ? 'done' : 'todo';
    case 'output':
      if (s.pxeExportError) return 'problem';
      return s.pxeExported ? 'done' : 'todo';
  }
}

function summary(s: WizardState, step: StepId): string {
  switch (step) {
    case 'config':
      return s.config ? s.config.name : s.noConfig ? 'No config' : 'Not chosen';
    case 'image':
      return s.image ? (s.image.release ? `${s.image.stream ?? ''} ${s.image.release}`.trim() : s.image.name) : 'Not chosen';
    case 'options': {
      const parts = [s.fromRam ? 'From RAM' : '', s.extraKargs.trim() ? 'Kargs' : '', s.destDevice ? 'Install' : ''];
      return parts.filter(Boolean).join(', ') || 'Defaults';
    }
    case 'target':
      return s.selectedIds.length ? `${s.selectedIds.length} drive${s.selectedIds.length > 1 ? 's' : ''}` : 'None picked';
    case 'flash':
      if (s.flashStatus === 'running' || s.flashStatus === 'starting') return 'Writing…';
      if (s.finished) return s.finished.ok ? 'Done' : s.finished.cancelled ? 'Cancelled' : 'Failed';
      return flashBlockers(s).length ? 'Not ready' : 'Ready';
    case 'netboot':
      return `${s.pxeFormat === 'ipxe' ? 'iPXE' : 'PXELINUX'}, rootfs ${s.pxeRootfs === 'url' ? 'by URL' : 'as initrd'}`;
    case 'output':
      if (s.pxeExportBusy) return 'Exporting…';
      if (s.pxeServer) return 'Serving';
      return s.pxeExported ? 'Exported' : 'Not exported';
  }
}

/** The step rail: one button per step with its state; the current step has aria-current. */
export function StepRail() {
  const current = useWizard((s) => s.step);
  const goTo = useWizard((s) => s.goTo);
  // select a string so the rail re-renders only when a status or summary changes
  const steps = stepsOf(useWizard((s) => s.mode));
  const key = useWizard((s) =>
    stepsOf(s.mode)
      .map((id) => `${status(s, id)}|${summary(s, id)}`)
      .join('\n'),
  );
  const rows = key.split('\n').map((r) => r.split('|') as [Status, string]);
  return (
    <nav className="rail" aria-label="Steps">
      <ol>
        {steps.map((id, i) => {
          const [st, sum] = rows[i];
          return (
            <li key={id} className={st === 'done' ? 'done' : st === 'problem' ? 'problem' : ''}>
              <button
                type="button"
                aria-current={current === id ? 'step' : undefined}
                onClick={() => goTo(id)}
                aria-label={`Step ${i + 1}: ${STEP_LABELS[id]} — ${sum}${st === 'problem' ? ' (needs attention)' : st === 'done' ? ' (done)' : ''}`}
              >
                <span className="num" aria-hidden="true">
                  {st === 'done' ? '✓' : st === 'problem' ? '!' : i + 1}
                </span>
                <span className="label" aria-hidden="true">
                  <span>{STEP_LABELS[id]}</span>
                  <small>{sum}</small>
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
