import { useWizard } from '../store';
import { CodeFile } from './CodeFile';
import { ErrorNotice } from './ErrorNotice';
import { Meter } from './Meter';
import { usePxePreview } from './usePxePreview';
import { useT } from '../i18n/use-t';
import { Trans } from 'react-i18next';
import { formatBytes } from '../format';

/** The folder export: path (browser) or native dialog (Electron), progress, cancel, result. */
function ExportCard() {
  const t = useT();
  const s = useWizard((x) => x);
  const electron = s.shell === 'electron';
  const p = s.pxeExportProgress;
  const extra =
    s.pxeIgnition === 'embedded' && (s.config || s.pxePreview?.fieldSettings)
      ? 'initramfs'
      : s.pxeIgnition === 'initrd' && s.config
        ? 'ignition'
        : undefined;
  return (
    <div className="card">
      <h3>{t('output.exportTitle')}</h3>
      <p className="muted small">
        {t(
          s.pxeSource === 'iso'
            ? extra === 'initramfs'
              ? 'output.fromIsoInitramfs'
              : extra === 'ignition'
                ? 'output.fromIsoIgnition'
                : 'output.fromIso'
            : extra === 'initramfs'
              ? 'output.fromStreamInitramfs'
              : extra === 'ignition'
                ? 'output.fromStreamIgnition'
                : 'output.fromStream',
          { name: s.image?.name ?? t('output.chosenIso') },
        )}
      </p>
      <form
        className="row end"
        onSubmit={(e) => {
          e.preventDefault();
          void s.exportPxe();
        }}
      >
        {!electron && (
          <label className="field grow">
            {t('output.folder')}
            <input
              type="text"
              value={s.pxeExportPath}
              placeholder="/srv/fcos"
              spellCheck={false}
              onChange={(e) => s.setPxeExportPath(e.currentTarget.value)}
            />
          </label>
        )}
        {!s.pxeExportBusy ? (
          <button type="submit" className="btn primary" disabled={!!s.pxePreviewError || (!electron && !s.pxeExportPath.trim())}>
            {electron ? t('output.chooseAndExport') : t('output.export')}
          </button>
        ) : (
          <button type="button" className="btn danger" onClick={() => void s.cancelPxeExport()}>
            {t('output.cancel')}
          </button>
        )}
      </form>
      {s.pxeExportBusy && (
        <div role="status" aria-live="polite">
          <p>{p?.phase === 'verify-image' ? t('output.verifying') : p?.phase === 'write' ? t('output.copying') : t('image.downloading')}</p>
          <Meter
            label={
              p?.phase === 'verify-image'
                ? t('output.verifyMeter')
                : p?.phase === 'write'
                  ? t('output.copyMeter')
                  : t('image.downloadMeter')
            }
            bytes={p?.bytes ?? 0}
            total={p?.total}
            speed={p?.speed}
            eta={p?.eta}
            live
          />
        </div>
      )}
      {s.pxeExportError && <ErrorNotice title={t('output.exportFailed')} error={s.pxeExportError} />}
      {s.pxeExported && !s.pxeExportBusy && (
        <div className="notice ok" role="status">
          <strong>{t('output.exported', { release: s.pxeExported.release, dir: s.pxeExported.dir })}</strong>
          <ul className="mono small">
            {s.pxeExported.written.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** The boot mirror over the exported folder: address, start/stop, URL and request log. */
function MirrorCard() {
  const t = useT();
  const s = useWizard((x) => x);
  const running = !!s.pxeServer;
  return (
    <div className="card">
      <h3>{t('output.mirror')}</h3>
      <p className="muted small">{t('output.mirrorHint')}</p>
      <form
        className="row end"
        onSubmit={(e) => {
          e.preventDefault();
          void (running ? s.stopPxeServer() : s.startPxeServer());
        }}
      >
        <label className="field grow">
          {t('output.address')}
          <input
            type="text"
            value={s.pxeBind}
            disabled={running}
            spellCheck={false}
            onChange={(e) => s.setPxeServerAddress({ bind: e.currentTarget.value })}
          />
        </label>
        <label className="field">
          {t('output.port')}
          <input
            type="text"
            inputMode="numeric"
            className="port"
            value={s.pxePort}
            disabled={running}
            onChange={(e) => s.setPxeServerAddress({ port: e.currentTarget.value })}
          />
        </label>
        <button type="submit" className={`btn${running ? ' danger' : ''}`} disabled={s.pxeServerBusy || (!running && !s.pxeExported)}>
          {running ? t('output.stop') : t('output.start')}
        </button>
      </form>
      {!s.pxeExported && <p className="muted small">{t('output.exportFirst')}</p>}
      {s.pxeServerError && <ErrorNotice title={t('output.mirrorFailed')} error={s.pxeServerError} />}
      {s.pxeServer && (
        <div className="notice ok" role="status">
          <strong>
            <Trans
              i18nKey="output.serving"
              values={{ dir: s.pxeServer.dir, url: s.pxeServer.url }}
              components={{ dir: <code />, url: <code className="mirror-url" /> }}
            />
          </strong>
          {s.pxeBaseUrl && !s.pxeBaseUrl.startsWith(s.pxeServer.url.replace(/\/$/, '')) && (
            <span className="small">{t('output.baseUrlOther', { url: s.pxeBaseUrl })}</span>
          )}
        </div>
      )}
      {(running || s.pxeServerLog.length > 0) && (
        <pre className="config-view server-log" role="log" aria-label={t('output.log')} tabIndex={0}>
          {s.pxeServerLog.length ? s.pxeServerLog.join('\n') : t('output.noRequests')}
        </pre>
      )}
    </div>
  );
}

/** The preview notes that say where the field settings go (shown with them). */
const FIELD_NOTE = /^(Field settings|The static IP)/;

/** What the Config step's field settings add to this boot, and where (from the preview). */
function FieldSettingsApplied(props: { items: string[]; notes: string[] }) {
  const t = useT();
  const where = props.notes.filter((n) => FIELD_NOTE.test(n));
  return (
    <div className="notice ok" role="status" aria-label={t('output.fieldsLabel')}>
      <strong>{t('output.fieldsApplied')}</strong>
      <ul className="small">
        {props.items.map((i) => (
          <li key={i}>{i}</li>
        ))}
      </ul>
      {where.map((n) => (
        <span key={n} className="small">
          {n}
        </span>
      ))}
    </div>
  );
}

/** Network boot step 3: the generated files with Copy buttons, the folder export and the boot mirror. */
export function NetbootOutputStep() {
  const t = useT();
  const rootfs = useWizard((s) => s.pxeRootfs);
  const preview = useWizard((s) => s.pxePreview);
  const error = useWizard((s) => s.pxePreviewError);
  usePxePreview();
  const otherNotes = preview ? preview.notes.filter((n) => !preview.fieldSettings || !FIELD_NOTE.test(n)) : [];
  return (
    <>
      {error && <ErrorNotice title={t('output.cannotGenerate')} error={error} />}
      {preview && (
        <div className="card">
          <h3>{t('output.generated')}</h3>
          <p className="notice info" role="status">
            <strong>{t(rootfs === 'url' ? 'netboot.ramUrl' : 'netboot.ramInitrd', { ram: formatBytes(preview.ramNeeded) })}</strong>
          </p>
          {preview.fieldSettings && <FieldSettingsApplied items={preview.fieldSettings} notes={preview.notes} />}
          {preview.files.map((f) => (
            <CodeFile key={f.name} name={f.name} text={f.text} />
          ))}
          {otherNotes.length > 0 && (
            <ul className="muted small">
              {otherNotes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <ExportCard />
      <MirrorCard />
    </>
  );
}
