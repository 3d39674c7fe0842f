import { formatBytes, formatDriveSize } from '../format';
import { useT } from '../i18n/use-t';
import { useWizard } from '../store';
import { driveName } from '../store/targets';
import { CodeFile } from './CodeFile';
import { ErrorNotice } from './ErrorNotice';
import { Modal } from './Modal';

/** "What is on this stick?": pick a connected drive and read its release, config, kargs and network files, writing nothing. */
export function StickInspector() {
  const t = useT();
  const all = useWizard((s) => s.drives);
  const drives = all.filter((d) => !d.system);
  const pick = useWizard((s) => s.inspect);
  const id = useWizard((s) => s.inspectId);
  const stick = useWizard((s) => s.stick);
  const busy = useWizard((s) => s.inspectBusy);
  const error = useWizard((s) => s.inspectError);
  const close = useWizard((s) => s.openDialog);
  return (
    <Modal id="inspect" title={t('inspect.title')} wide onClose={() => close(null)}>
      <p className="muted">{t('inspect.intro')}</p>
      <label className="field">
        <span>{t('inspect.stick')}</span>
        <select name="inspectDrive" value={id ?? ''} onChange={(e) => e.currentTarget.value && void pick(e.currentTarget.value)}>
          <option value="">{drives.length === 0 ? t('inspect.noDrives') : t('inspect.choose')}</option>
          {drives.map((d) => (
            <option key={d.id} value={d.id}>
              {d.device} — {driveName(d)}, {formatDriveSize(d.size)}
            </option>
          ))}
        </select>
      </label>
      {busy && <p role="status">{t('inspect.reading')}</p>}
      {error && <ErrorNotice error={error} />}
      {stick && (
        <div className="stick-view" aria-label={t('inspect.contents')}>
          <dl className="facts">
            <dt>{t('inspect.release')}</dt>
            <dd data-fact="release">
              {stick.release}, {stick.arch}
            </dd>
            <dt>{t('inspect.volumeId')}</dt>
            <dd>{stick.volumeId}</dd>
            <dt>{t('inspect.imageSize')}</dt>
            <dd>{formatBytes(stick.imageSize)}</dd>
            <dt>{t('inspect.customized')}</dt>
            <dd>{stick.customized ? t('inspect.yes') : t('inspect.asReleased')}</dd>
            <dt>{t('inspect.kargs')}</dt>
            <dd data-fact="kargs">{stick.kargs === null ? t('inspect.notCustomizable') : <code>{stick.kargs}</code>}</dd>
            {stick.kargsAppended.length > 0 && (
              <>
                <dt>{t('inspect.added')}</dt>
                <dd>
                  <code>{stick.kargsAppended.join(' ')}</code>
                </dd>
              </>
            )}
            <dt>{t('inspect.configSha')}</dt>
            <dd>
              <code>{stick.configSha256 ?? t('inspect.noConfig')}</code>
            </dd>
          </dl>
          {stick.config !== null ? <CodeFile name={t('inspect.embedded')} text={stick.config} /> : <p>{t('inspect.noIgnition')}</p>}
          {stick.network.map((n) => (
            <CodeFile key={n.name} name={`${n.name}${n.summary ? ` (${n.summary})` : ''}`} text={n.text} />
          ))}
          {stick.otherFiles.length > 0 && (
            <p className="muted small">
              {t('inspect.otherFiles', { files: stick.otherFiles.map((f) => `${f.path} (${formatBytes(f.size)})`).join(', ') })}
            </p>
          )}
        </div>
      )}
    </Modal>
  );
}
