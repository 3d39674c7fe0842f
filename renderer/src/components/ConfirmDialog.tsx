import { useEffect, useRef } from 'react';
import { formatDriveSize } from '../format';
import { useWizard } from '../store';
import { untypedNames } from '../store/flash';
import { driveName, isLarge, nameMatches, needsTypedName, selectedDrives } from '../store/targets';

/**
 * The confirmation naming every drive that will be erased by device, model, size and serial (as
 * `flint burn` asks); an internal disk's name must be typed (as Raspberry Pi Imager asks for the
 * disks it counts as system); Escape cancels, focus stays inside.
 */
export function ConfirmDialog() {
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
        <h2 id="confirm-title">Erase {drives.length === 1 ? 'this drive' : `these ${drives.length} drives`}?</h2>
        <div id="confirm-desc">
          <p>Everything on them is lost:</p>
          <ul>
            {drives.map((d) => (
              <li key={d.id}>
                <strong>{d.device}</strong> — {driveName(d)}, {formatDriveSize(d.size)},{' '}
                {d.serial ? `serial ${d.serial}` : 'no serial number'}
                {isLarge(d) ? ' (large drive)' : ''}
              </li>
            ))}
          </ul>
        </div>
        {large.length > 0 && (
          <label className="check">
            <input type="checkbox" checked={s.confirmLarge} onChange={(e) => s.setConfirmLarge(e.currentTarget.checked)} />
            <span>
              Yes, {large.map((d) => `${d.device} (${formatDriveSize(d.size)})`).join(', ')} {large.length > 1 ? 'are' : 'is'} larger than a
              USB stick usually is, and I still want to erase {large.length > 1 ? 'them' : 'it'}.
            </span>
          </label>
        )}
        {internal.map((d) => (
          <label key={d.id} className="field">
            <span>
              <strong>{d.device}</strong> is an internal disk, not a USB stick or SD card. Type its name <code>{d.confirmName}</code> to
              erase it:
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
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={!canGo} onClick={() => void s.startFlash()}>
            Erase and write
          </button>
        </div>
      </div>
    </div>
  );
}
