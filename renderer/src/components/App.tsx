import { useEffect, useRef } from 'react';
import { useWizard, useWizardStore } from '../store';
import { stepsOf, type StepId } from '../store/ui';
import { ConfigStep } from './ConfigStep';
import { ErrorBoundary } from './ErrorBoundary';
import { ErrorNotice } from './ErrorNotice';
import { FlashStep } from './FlashStep';
import { ImageStep } from './ImageStep';
import { NetbootOptionsStep } from './NetbootOptionsStep';
import { NetbootOutputStep } from './NetbootOutputStep';
import { OptionsStep } from './OptionsStep';
import { StepRail, STEP_LABELS } from './StepRail';
import { TargetStep } from './TargetStep';
import { TopBar } from './TopBar';
import { useTheme } from './useTheme';
import { useLanguage } from './useLanguage';
import type { MessageKey } from '../i18n/keys';
import { useT } from '../i18n/use-t';

const INTRO: Record<StepId, MessageKey> = {
  config: 'steps.config.intro',
  image: 'steps.image.intro',
  options: 'steps.options.intro',
  target: 'steps.target.intro',
  flash: 'steps.flash.intro',
  netboot: 'steps.netboot.intro',
  output: 'steps.output.intro',
};

const TITLE: Record<StepId, MessageKey> = {
  config: 'steps.config.title',
  image: 'steps.image.title',
  options: 'steps.options.title',
  target: 'steps.target.title',
  flash: 'steps.flash.title',
  netboot: 'steps.netboot.title',
  output: 'steps.output.title',
};

function StepBody(props: { step: StepId }) {
  switch (props.step) {
    case 'config':
      return <ConfigStep />;
    case 'image':
      return <ImageStep />;
    case 'options':
      return <OptionsStep />;
    case 'target':
      return <TargetStep />;
    case 'flash':
      return <FlashStep />;
    case 'netboot':
      return <NetbootOptionsStep />;
    case 'output':
      return <NetbootOutputStep />;
  }
}

/** The wizard: top bar, step rail, the current step, and notices. */
export function App() {
  const store = useWizardStore();
  const step = useWizard((s) => s.step);
  const next = useWizard((s) => s.next);
  const back = useWizard((s) => s.back);
  const notices = useWizard((s) => s.notices);
  const dismiss = useWizard((s) => s.dismissNotice);
  const busy = useWizard((s) => s.flashStatus === 'running' || s.flashStatus === 'starting' || s.pxeExportBusy);
  const steps = stepsOf(useWizard((s) => s.mode));
  const heading = useRef<HTMLHeadingElement>(null);
  const ready = useWizard((s) => s.drivesLoaded && !s.releasesBusy && (s.releases.length > 0 || !!s.releasesError));
  useTheme();
  useLanguage();
  const t = useT();

  // marks the first moment the live data (releases, drives) is on screen (tests and the benchmark)
  useEffect(() => {
    if (ready) document.body.dataset.flintReady = '1';
  }, [ready]);

  // move focus to the new step's heading so keyboard and screen-reader users follow along
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  // files dropped anywhere on the window: configs (and, in Electron, ISOs) are loaded
  useEffect(() => {
    const over = (e: DragEvent) => e.preventDefault();
    const drop = (e: DragEvent) => {
      e.preventDefault();
      const f = e.dataTransfer?.files[0];
      if (f) void store.getState().loadConfigFile(f);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [store]);

  const idx = steps.indexOf(step);
  return (
    <div className="app">
      <TopBar />
      <div className="body">
        <StepRail />
        <main className="main">
          <section className="panel" aria-labelledby="step-title" data-step={step}>
            <header className="panel-head">
              <span className="muted small">{t('app.stepOf', { n: idx + 1, total: steps.length, label: t(STEP_LABELS[step]) })}</span>
              <h2 id="step-title" ref={heading} tabIndex={-1}>
                {t(TITLE[step])}
              </h2>
              <p>{t(INTRO[step])}</p>
            </header>
            <ErrorBoundary key={step}>
              <StepBody step={step} />
            </ErrorBoundary>
            <div className="nav">
              <button type="button" className="btn" onClick={back} disabled={idx === 0 || busy}>
                {t('app.back')}
              </button>
              {idx < steps.length - 1 && (
                <button type="button" className="btn primary" onClick={next} disabled={busy}>
                  {t('app.next', { label: t(STEP_LABELS[steps[idx + 1]]) })}
                </button>
              )}
            </div>
          </section>
        </main>
      </div>
      {notices.length > 0 && (
        <div className="toast-region">
          {notices.map((n) => (
            <ErrorNotice key={n.id} error={n.error} onDismiss={() => dismiss(n.id)} />
          ))}
        </div>
      )}
    </div>
  );
}
