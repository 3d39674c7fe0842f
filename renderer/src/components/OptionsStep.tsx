import { formatBytes } from '../format';
import { useWizard } from '../store';
import { optionProblems } from '../store/options';
import { errorText } from '../messages';
import { ErrorNotice } from './ErrorNotice';
import { FileList } from './FileList';
import { useT } from '../i18n/use-t';
import { Trans } from 'react-i18next';

/** Step 3: run from RAM, extra kernel arguments, and advanced network/CA/automatic install. */
export function OptionsStep() {
  const t = useT();
  const s = useWizard((x) => x);
  const electron = s.shell === 'electron';
  const facts = s.image?.facts;
  const problems = optionProblems(s);
  const check = s.kargsCheck;
  return (
    <>
      <div className="card">
        <label className="check">
          <input type="checkbox" checked={s.fromRam} onChange={(e) => s.setFromRam(e.currentTarget.checked)} />
          <span>
            <strong>{t('options.fromRam')}</strong>
            <span className="muted">
              <Trans i18nKey="options.fromRamHint" components={{ code: <code /> }} />
            </span>
          </span>
        </label>
        {s.fromRam && (
          <div className="notice info" role="status">
            {facts ? (
              <>
                <strong>{t('options.ramNeeded', { ram: formatBytes(facts.ramForFromRam) })}</strong>
                <span className="muted small">
                  {t('options.ramNote', { iso: formatBytes(s.image?.size), base: formatBytes(facts.ramForFromRam - (s.image?.size ?? 0)) })}
                </span>
              </>
            ) : (
              <strong>{t('options.ramNoImage')}</strong>
            )}
          </div>
        )}
      </div>

      <div className="card">
        <form
          className="row end"
          onSubmit={(e) => {
            e.preventDefault();
            void s.checkKargs();
          }}
        >
          <label className="field grow">
            {t('options.kargs')}
            <span className="hint">{facts ? t('options.kargsHintDefaults', { kargs: facts.defaultKargs }) : t('options.kargsHint')}</span>
            <input
              type="text"
              value={s.extraKargs}
              placeholder="console=ttyS0,115200n8"
              spellCheck={false}
              onChange={(e) => s.setExtraKargs(e.currentTarget.value)}
              onBlur={() => void s.checkKargs()}
              aria-invalid={check ? !check.ok : undefined}
            />
          </label>
          <button type="submit" className="btn" disabled={!s.extraKargs.trim() || s.kargsBusy}>
            {t('options.check')}
          </button>
        </form>
        {check && check.ok && (
          <div className="notice ok" role="status">
            <strong>{t('options.argsOk', { count: check.args.length })}</strong>
            <span className="mono small">{check.args.join('  ')}</span>
          </div>
        )}
        {check && check.problems.length > 0 && (
          <div className="notice err" role="alert">
            <strong>{t('options.kargsBad')}</strong>
            <ul>
              {check.problems.map((p, i) => (
                <li key={i} data-code={p.code}>
                  {errorText(p)}
                </li>
              ))}
            </ul>
          </div>
        )}
        {check && (check.warnings?.length ?? 0) > 0 && (
          <div className="notice warn" role="status">
            <strong>{t('options.worthALook')}</strong>
            <ul>
              {check.warnings!.map((w, i) => (
                <li key={i} data-code={w.code}>
                  {errorText(w)}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>

      <details className="advanced">
        <summary>{t('options.advanced')}</summary>
        <div className="card">
          <h3>{t('options.network')}</h3>
          <p className="muted small">{t('options.networkHint')}</p>
          <FileList
            label={t('options.networkFile')}
            addLabel={t('options.networkAdd')}
            files={s.networkFiles}
            accept=".nmconnection,.conf,.ini"
            useDialog={electron}
            onAdd={(f) => void s.addOptionFile('network', f)}
            onRemove={(id) => void s.removeOptionFile(id)}
          />
          <h3>{t('options.ca')}</h3>
          <p className="muted small">{t('options.caHint')}</p>
          <FileList
            label={t('options.caFile')}
            addLabel={t('options.caAdd')}
            files={s.caFiles}
            accept=".pem,.crt,.cer"
            useDialog={electron}
            onAdd={(f) => void s.addOptionFile('ca', f)}
            onRemove={(id) => void s.removeOptionFile(id)}
          />
          <h3>{t('options.install')}</h3>
          <p className="muted small">
            <Trans i18nKey="options.installHint" components={{ code: <code /> }} />
          </p>
          <label className="field">
            {t('options.destDevice')}
            <input
              type="text"
              value={s.destDevice}
              placeholder="/dev/sda"
              spellCheck={false}
              onChange={(e) => s.setDestDevice(e.currentTarget.value)}
            />
          </label>
          <FileList
            label={t('options.destIgnition')}
            addLabel={t('options.destIgnitionAdd')}
            files={s.destIgnition ? [s.destIgnition] : []}
            accept=".ign,.bu,.json"
            single
            useDialog={electron}
            onAdd={(f) => void s.addOptionFile('dest-ignition', f)}
            onRemove={(id) => void s.removeOptionFile(id)}
          />
        </div>
      </details>

      {s.optionsError && <ErrorNotice error={s.optionsError} onDismiss={s.clearOptionsError} />}
      {problems.length > 0 && (
        <div className="notice warn" role="status">
          <strong>{t('options.beforeFlashing')}</strong>
          <ul>
            {problems.map((p) => (
              <li key={p}>{t(p)}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
