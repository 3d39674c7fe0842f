import { useEffect, useRef } from 'react';
import { formatDriveSize } from '../format';
import { useWizard } from '../store';
import { untypedNames } from '../store/flash';
import { driveName, isLarge, nameMatches, needsTypedName, selectedDrives } from '../store/targets';
import { Trans } from 'react-i18next';
import { useT } from '../i18n/use-t';

/**
 * The confirmation naming every drive that will be erased by device, model, size and serial (as
 * `flint burn` asks); an internal disk's name must be typed (as Raspberry Pi Imager asks for the
 * disks it counts as system); Escape cancels, focus stays inside.
 */
export function ConfirmDialog() {
  const t = useT();
  const s = useWizard((x) => x);
  const drives = selectedDrives(s);
  const large = drives.filter(isLarge);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // focus the safe choice; give focus back to where it was (the Flash button) when closed
    const before = document.activeElement as HTMLElement | null;
    cancelRef.current?.focus();
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, []);
  const internal = drives.filter(needsTypedName);
  const canGo = (large.length === 0 || s.confirmLarge) && untypedNames(s).length === 0;
  return (
    <div className="backdrop">
      <div
        ref={box}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-desc"
        onKeyDown={(e) => {
          if (e.key === 'Escape') s.cancelConfirm();
          if (e.key === 'Tab' && box.current) {
            const f = [...box.current.querySelectorAll<HTMLElement>('button:not(:disabled), input:not(:disabled)')];
            const first = f[0];
            const last = f[f.length - 1];
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault();
              last?.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault();
              first?.focus();
            }
          }
        }}
      >
        <h2 id="confirm-title">{t('confirm.title', { count: drives.length })}</h2>
        <div id="confirm-desc">
          <p>{t('confirm.lost')}</p>
          <ul>
            {drives.map((d) => (
              <li key={d.id}>
                <strong>{d.device}</strong> —{' '}
                {t(isLarge(d) ? 'confirm.driveLarge' : 'confirm.drive', {
                  name: driveName(d),
                  size: formatDriveSize(d.size),
                  serial: d.serial ? t('confirm.serial', { serial: d.serial }) : t('confirm.noSerial'),
                })}
              </li>
            ))}
          </ul>
        </div>
        {large.length > 0 && (
          <label className="check">
            <input type="checkbox" checked={s.confirmLarge} onChange={(e) => s.setConfirmLarge(e.currentTarget.checked)} />
            <span>
              {t('confirm.large', { count: large.length, drives: large.map((d) => `${d.device} (${formatDriveSize(d.size)})`).join(', ') })}
            </span>
          </label>
        )}
        {internal.map((d) => (
          <label key={d.id} className="field">
            <span>
              <Trans
                i18nKey="confirm.typeName"
                values={{ device: d.device, name: d.confirmName }}
                components={{ strong: <strong />, code: <code /> }}
              />
            </span>
            <input
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={s.typedNames[d.id] ?? ''}
              aria-invalid={!nameMatches(d, s.typedNames[d.id])}
              onChange={(e) => s.setTypedName(d.id, e.currentTarget.value)}
            />
          </label>
        ))}
        <div className="actions">
          <button ref={cancelRef} type="button" className="btn" onClick={s.cancelConfirm}>
            {t('confirm.cancel')}
          </button>
          <button type="button" className="btn primary" disabled={!canGo} onClick={() => void s.startFlash()}>
            {t('confirm.go')}
          </button>
        </div>
      </div>
    </div>
  );
}
