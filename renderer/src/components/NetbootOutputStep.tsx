import { useWizard } from '../store';
import { CodeFile } from './CodeFile';
import { ErrorNotice } from './ErrorNotice';
import { Meter } from './Meter';
import { usePxePreview } from './usePxePreview';

/** The folder export: path (browser) or native dialog (Electron), progress, cancel, result. */
function ExportCard() {
  const s = useWizard((x) => x);
  const electron = s.shell === 'electron';
  const p = s.pxeExportProgress;
  return (
    <div className="card">
      <h3>Export to a folder</h3>
      <p className="muted small">
        {s.pxeSource === 'iso'
          ? `Copies the kernel, initramfs and rootfs out of ${s.image?.name ?? 'the chosen live ISO'} and writes them with the boot config`
          : 'Downloads the kernel, initramfs and rootfs, checks their SHA-256 and Fedora signatures, and writes them with the boot config'}
        {s.pxeIgnition === 'embedded' && (s.config || s.pxePreview?.fieldSettings)
          ? ' and the customized initramfs'
          : s.pxeIgnition === 'initrd' && s.config
            ? ' and ignition.img'
            : ''}
        .
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
            Folder (created if missing)
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
            {electron ? 'Choose a folder and export…' : 'Export boot files'}
          </button>
        ) : (
          <button type="button" className="btn danger" onClick={() => void s.cancelPxeExport()}>
            Cancel export
          </button>
        )}
      </form>
      {s.pxeExportBusy && (
        <div role="status" aria-live="polite">
          <p>{p?.phase === 'verify-image' ? 'Verifying…' : p?.phase === 'write' ? 'Copying out of the ISO…' : 'Downloading…'}</p>
          <Meter
            label={p?.phase === 'verify-image' ? 'Verify' : p?.phase === 'write' ? 'Copy' : 'Download'}
            bytes={p?.bytes ?? 0}
            total={p?.total}
            speed={p?.speed}
            eta={p?.eta}
            live
          />
        </div>
      )}
      {s.pxeExportError && <ErrorNotice title="The boot files could not be exported" error={s.pxeExportError} />}
      {s.pxeExported && !s.pxeExportBusy && (
        <div className="notice ok" role="status">
          <strong>
            Exported Fedora CoreOS {s.pxeExported.release} to {s.pxeExported.dir}
          </strong>
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
  const s = useWizard((x) => x);
  const running = !!s.pxeServer;
  return (
    <div className="card">
      <h3>Boot mirror</h3>
      <p className="muted small">
        Serves the exported folder read-only over HTTP. Use 0.0.0.0 or this machine's address so others on the network can boot from it.
      </p>
      <form
        className="row end"
        onSubmit={(e) => {
          e.preventDefault();
          void (running ? s.stopPxeServer() : s.startPxeServer());
        }}
      >
        <label className="field grow">
          Address
          <input
            type="text"
            value={s.pxeBind}
            disabled={running}
            spellCheck={false}
            onChange={(e) => s.setPxeServerAddress({ bind: e.currentTarget.value })}
          />
        </label>
        <label className="field">
          Port
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
          {running ? 'Stop mirror' : 'Start mirror'}
        </button>
      </form>
      {!s.pxeExported && <p className="muted small">Export the files first; the mirror serves that folder.</p>}
      {s.pxeServerError && <ErrorNotice title="The boot mirror could not start" error={s.pxeServerError} />}
      {s.pxeServer && (
        <div className="notice ok" role="status">
          <strong>
            Serving <code>{s.pxeServer.dir}</code> at <code className="mirror-url">{s.pxeServer.url}</code>
          </strong>
          {s.pxeBaseUrl && !s.pxeBaseUrl.startsWith(s.pxeServer.url.replace(/\/$/, '')) && (
            <span className="small">The base URL in the options is {s.pxeBaseUrl}: make sure machines reach this mirror there.</span>
          )}
        </div>
      )}
      {(running || s.pxeServerLog.length > 0) && (
        <pre className="config-view server-log" role="log" aria-label="Boot mirror requests" tabIndex={0}>
          {s.pxeServerLog.length ? s.pxeServerLog.join('\n') : 'No requests yet.'}
        </pre>
      )}
    </div>
  );
}

/** The preview notes that say where the field settings go (shown with them). */
const FIELD_NOTE = /^(Field settings|The static IP)/;

/** What the Config step's field settings add to this boot, and where (from the preview). */
function FieldSettingsApplied(props: { items: string[]; notes: string[] }) {
  const where = props.notes.filter((n) => FIELD_NOTE.test(n));
  return (
    <div className="notice ok" role="status" aria-label="Field settings applied">
      <strong>Field settings from the Config step are applied</strong>
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
  const preview = useWizard((s) => s.pxePreview);
  const error = useWizard((s) => s.pxePreviewError);
  usePxePreview();
  const otherNotes = preview ? preview.notes.filter((n) => !preview.fieldSettings || !FIELD_NOTE.test(n)) : [];
  return (
    <>
      {error && <ErrorNotice title="The boot config cannot be generated; check the network boot options" error={error} />}
      {preview && (
        <div className="card">
          <h3>Generated files</h3>
          <p className="notice info" role="status">
            <strong>RAM: the machine {preview.ramNote}.</strong>
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
