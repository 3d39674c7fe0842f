import { formatBytes, formatDriveSize } from '../format';
import { useWizard } from '../store';
import { driveName } from '../store/targets';
import { CodeFile } from './CodeFile';
import { ErrorNotice } from './ErrorNotice';
import { Modal } from './Modal';

/** "What is on this stick?": pick a connected drive and read its release, config, kargs and network files, writing nothing. */
export function StickInspector() {
  const all = useWizard((s) => s.drives);
  const drives = all.filter((d) => !d.system);
  const pick = useWizard((s) => s.inspect);
  const id = useWizard((s) => s.inspectId);
  const stick = useWizard((s) => s.stick);
  const busy = useWizard((s) => s.inspectBusy);
  const error = useWizard((s) => s.inspectError);
  const close = useWizard((s) => s.openDialog);
  return (
    <Modal id="inspect" title="What is on this stick?" wide onClose={() => close(null)}>
      <p className="muted">Reads a stick without writing to it.</p>
      <label className="field">
        <span>Stick</span>
        <select name="inspectDrive" value={id ?? ''} onChange={(e) => e.currentTarget.value && void pick(e.currentTarget.value)}>
          <option value="">{drives.length === 0 ? 'No drives connected' : 'Choose a drive…'}</option>
          {drives.map((d) => (
            <option key={d.id} value={d.id}>
              {d.device} — {driveName(d)}, {formatDriveSize(d.size)}
            </option>
          ))}
        </select>
      </label>
      {busy && <p role="status">Reading…</p>}
      {error && <ErrorNotice error={error} />}
      {stick && (
        <div className="stick-view" aria-label="Stick contents">
          <dl className="facts">
            <dt>Release</dt>
            <dd data-fact="release">
              {stick.release}, {stick.arch}
            </dd>
            <dt>Volume ID</dt>
            <dd>{stick.volumeId}</dd>
            <dt>Image size</dt>
            <dd>{formatBytes(stick.imageSize)}</dd>
            <dt>Customized</dt>
            <dd>{stick.customized ? 'Yes' : 'No (as released)'}</dd>
            <dt>Kernel arguments</dt>
            <dd data-fact="kargs">{stick.kargs === null ? 'Not customizable on this image' : <code>{stick.kargs}</code>}</dd>
            {stick.kargsAppended.length > 0 && (
              <>
                <dt>Added</dt>
                <dd>
                  <code>{stick.kargsAppended.join(' ')}</code>
                </dd>
              </>
            )}
            <dt>Config SHA-256</dt>
            <dd>
              <code>{stick.configSha256 ?? 'no config'}</code>
            </dd>
          </dl>
          {stick.config !== null ? <CodeFile name="Embedded config" text={stick.config} /> : <p>No Ignition config is embedded.</p>}
          {stick.network.map((n) => (
            <CodeFile key={n.name} name={`${n.name}${n.summary ? ` (${n.summary})` : ''}`} text={n.text} />
          ))}
          {stick.otherFiles.length > 0 && (
            <p className="muted small">Other files: {stick.otherFiles.map((f) => `${f.path} (${formatBytes(f.size)})`).join(', ')}</p>
          )}
        </div>
      )}
    </Modal>
  );
}
