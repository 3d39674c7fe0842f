import { configReady } from '../store/config';
import { flashBlockers } from '../store/flash';
import { useWizard } from '../store';
import { fieldProblems, optionProblems } from '../store/options';
import { pxeBaseUrlPending } from '../store/netboot';
import { stepsOf, type StepId } from '../store/ui';
import type { WizardState } from '../store/types';
import type { MessageKey } from '../i18n/keys';
import { useT, type TFn } from '../i18n/use-t';

/** Labels of the steps. */
export const STEP_LABELS: Record<StepId, MessageKey> = {
  config: 'steps.config.label',
  image: 'steps.image.label',
  options: 'steps.options.label',
  target: 'steps.target.label',
  flash: 'steps.flash.label',
  netboot: 'steps.netboot.label',
  output: 'steps.output.label',
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

function summary(s: WizardState, step: StepId, t: TFn): string {
  switch (step) {
    case 'config':
      return s.config ? s.config.name : s.noConfig ? t('rail.noConfig') : t('rail.notChosen');
    case 'image':
      return s.image ? (s.image.release ? `${s.image.stream ?? ''} ${s.image.release}`.trim() : s.image.name) : t('rail.notChosen');
    case 'options': {
      const parts = [s.fromRam ? t('rail.fromRam') : '', s.extraKargs.trim() ? t('rail.kargs') : '', s.destDevice ? t('rail.install') : ''];
      return parts.filter(Boolean).join(', ') || t('rail.defaults');
    }
    case 'target':
      return s.selectedIds.length ? t('rail.drives', { count: s.selectedIds.length }) : t('rail.nonePicked');
    case 'flash':
      if (s.flashStatus === 'running' || s.flashStatus === 'starting') return t('rail.writing');
      if (s.finished) return s.finished.ok ? t('rail.done') : s.finished.cancelled ? t('rail.cancelled') : t('rail.failed');
      return flashBlockers(s).length ? t('rail.notReady') : t('rail.ready');
    case 'netboot':
      return t(s.pxeRootfs === 'url' ? 'rail.netbootUrl' : 'rail.netbootInitrd', { loader: s.pxeFormat === 'ipxe' ? 'iPXE' : 'PXELINUX' });
    case 'output':
      if (s.pxeExportBusy) return t('rail.exporting');
      if (s.pxeServer) return t('rail.serving');
      return s.pxeExported ? t('rail.exported') : t('rail.notExported');
  }
}

/** The step rail: one button per step with its state; the current step has aria-current. */
export function StepRail() {
  const t = useT();
  const current = useWizard((s) => s.step);
  const goTo = useWizard((s) => s.goTo);
  // select a string so the rail re-renders only when a status or summary changes
  const steps = stepsOf(useWizard((s) => s.mode));
  const key = useWizard((s) =>
    stepsOf(s.mode)
      .map((id) => `${status(s, id)}|${summary(s, id, t)}`)
      .join('\n'),
  );
  const rows = key.split('\n').map((r) => r.split('|') as [Status, string]);
  return (
    <nav className="rail" aria-label={t('rail.steps')}>
      <ol>
        {steps.map((id, i) => {
          const [st, sum] = rows[i];
          return (
            <li key={id} className={st === 'done' ? 'done' : st === 'problem' ? 'problem' : ''}>
              <button type="button" aria-current={current === id ? 'step' : undefined} onClick={() => goTo(id)}>
                <span className="num" aria-hidden="true">
                  {st === 'done' ? '✓' : st === 'problem' ? '!' : i + 1}
                </span>
                {/* the name is the visible text with the step number and state for screen readers
                    (WCAG 2.5.3 Label in Name): "Step 2: Image — Not chosen (done)" */}
                <span className="label">
                  <span>
                    <span className="visually-hidden">{t('rail.stepN', { n: i + 1 })} </span>
                    {t(STEP_LABELS[id])}
                  </span>
                  <small>
                    <span className="visually-hidden"> — </span>
                    {sum}
                    {st !== 'todo' && (
                      <span className="visually-hidden"> {t(st === 'problem' ? 'rail.itemProblem' : 'rail.itemDone')}</span>
                    )}
                  </small>
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
