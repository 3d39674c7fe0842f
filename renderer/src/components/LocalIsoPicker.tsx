import { formatBytes } from '../format';
import { useWizard } from '../store';
import { useT } from '../i18n/use-t';

/**
 * Picks a local ISO. Electron: the native dialog. Browser: a typed path, or an in-page listing of
 * the core's directories (fs:list-dir), since a browser cannot hand a dropped file's path over.
 */
export function LocalIsoPicker() {
  const t = useT();
  const electron = useWizard((s) => s.shell === 'electron');
  const busy = useWizard((s) => s.imageBusy);
  const localPath = useWizard((s) => s.localPath);
  const listing = useWizard((s) => s.listing);
  const setLocalPath = useWizard((s) => s.setLocalPath);
  const openLocalPath = useWizard((s) => s.openLocalPath);
  const browseImage = useWizard((s) => s.browseImage);
  const listDir = useWizard((s) => s.listDir);
  const closeListing = useWizard((s) => s.closeListing);
  if (electron) {
    return (
      <div className="row">
        <button type="button" className="btn primary" disabled={busy} onClick={() => void browseImage()}>
          {t('local.choose')}
        </button>
        <span className="muted">{t('local.orDrop')}</span>
      </div>
    );
  }
  const join = (dir: string, name: string) => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);
  return (
    <div className="card">
      <form
        className="row end"
        onSubmit={(e) => {
          e.preventDefault();
          void openLocalPath();
        }}
      >
        <label className="field grow">
          {t('local.path')}
          <input
            type="text"
            value={localPath}
            placeholder="/home/me/Downloads/fedora-coreos-live.x86_64.iso"
            onChange={(e) => setLocalPath(e.currentTarget.value)}
            spellCheck={false}
          />
        </label>
        <button type="submit" className="btn primary" disabled={busy || !localPath.trim()}>
          {t('local.open')}
        </button>
        <button type="button" className="btn" onClick={() => void listDir(listing?.path)}>
          {t('local.browse')}
        </button>
      </form>
      {listing && (
        <div className="card" role="group" aria-label={t('local.filesIn', { path: listing.path })}>
          <div className="card-title">
            <span className="mono small">{listing.path}</span>
            <button type="button" className="linkish" onClick={closeListing}>
              {t('local.close')}
            </button>
          </div>
          <ul className="listing">
            {listing.parent && (
              <li>
                <button type="button" className="linkish" onClick={() => void listDir(listing.parent)}>
                  {t('local.parent')}
                </button>
              </li>
            )}
            {listing.entries.map((e) => (
              <li key={e.name}>
                <button
                  type="button"
                  className="linkish"
                  onClick={() => {
                    const p = join(listing.path, e.name);
                    if (e.type === 'dir') void listDir(p);
                    else {
                      setLocalPath(p);
                      void openLocalPath();
                    }
                  }}
                >
                  {e.type === 'dir' ? '📁 ' : ''}
                  {e.name}
                </button>
                {e.size !== undefined && <span className="muted small"> {formatBytes(e.size)}</span>}
              </li>
            ))}
            {listing.entries.length === 0 && <li className="muted">{t('local.empty')}</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
