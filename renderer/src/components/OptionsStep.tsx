import { formatBytes } from '../format';
import { useWizard } from '../store';
import { optionProblems } from '../store/options';
import { errorText } from '../messages';
import { ErrorNotice } from './ErrorNotice';
import { FileList } from './FileList';

/** Step 3: run from RAM, extra kernel arguments, and advanced network/CA/automatic install. */
export function OptionsStep() {
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
            <strong>Run from RAM</strong>
            <span className="muted">
              Boots with <code>coreos.liveiso.fromram</code>: the whole system is copied into memory, so the stick can be pulled out once
              the machine has booted. The machine needs more memory.
            </span>
          </span>
        </label>
        {s.fromRam && (
          <div className="notice info" role="status">
            {facts ? (
              <>
                <strong>The machine needs at least {formatBytes(facts.ramForFromRam)} of RAM.</strong>
                <span className="muted small">{facts.ramNote}</span>
              </>
            ) : (
              <strong>Choose an image to see how much RAM the machine needs.</strong>
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
            Extra kernel arguments
            <span className="hint">Appended to the image's defaults{facts ? `: ${facts.defaultKargs}` : ''}</span>
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
            Check
          </button>
        </form>
        {check && check.ok && (
          <div className="notice ok" role="status">
            <strong>
              {check.args.length} argument{check.args.length === 1 ? '' : 's'} OK
            </strong>
            <span className="mono small">{check.args.join('  ')}</span>
          </div>
        )}
        {check && check.problems.length > 0 && (
          <div className="notice err" role="alert">
            <strong>These kernel arguments cannot be used</strong>
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
            <strong>Worth a look</strong>
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
        <summary>Advanced</summary>
        <div className="card">
          <h3>Network</h3>
          <p className="muted small">NetworkManager keyfiles (.nmconnection) the live system uses from the first boot.</p>
          <FileList
            label="Network keyfile"
            addLabel="Add a network keyfile…"
            files={s.networkFiles}
            accept=".nmconnection,.conf,.ini"
            useDialog={electron}
            onAdd={(f) => void s.addOptionFile('network', f)}
            onRemove={(id) => void s.removeOptionFile(id)}
          />
          <h3>CA certificates</h3>
          <p className="muted small">Extra certificate authorities to trust (PEM), e.g. for a private registry.</p>
          <FileList
            label="CA certificate"
            addLabel="Add a CA certificate…"
            files={s.caFiles}
            accept=".pem,.crt,.cer"
            useDialog={electron}
            onAdd={(f) => void s.addOptionFile('ca', f)}
            onRemove={(id) => void s.removeOptionFile(id)}
          />
          <h3>Automatic install to a disk</h3>
          <p className="muted small">
            The live system installs Fedora CoreOS to this disk of the booted machine and reboots into it (<code>--dest-device</code> with{' '}
            <code>--dest-ignition</code>). Leave empty to only run live.
          </p>
          <label className="field">
            Destination device on the target machine
            <input
              type="text"
              value={s.destDevice}
              placeholder="/dev/sda"
              spellCheck={false}
              onChange={(e) => s.setDestDevice(e.currentTarget.value)}
            />
          </label>
          <FileList
            label="Ignition config for the installed system"
            addLabel="Add the Ignition config for the installed system…"
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
          <strong>Before flashing</strong>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
