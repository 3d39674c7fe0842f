import type { ReactNode } from 'react';
import { formatBytes } from '../format';
import { useWizard } from '../store';
import { ARCHES, STREAMS } from '../store/image';
import { hasFieldSettings } from '../store/options';
import { RAM_BY_ROOTFS, pxeBaseUrlPending, pxeKargProblem, type PxeIgnitionChoice } from '../store/netboot';
import { ErrorNotice } from './ErrorNotice';
import { LocalIsoPicker } from './LocalIsoPicker';
import { usePxePreview } from './usePxePreview';
import { useT } from '../i18n/use-t';
import type { MessageKey } from '../i18n/keys';

/** One radio card of a choice group. */
function Choice(props: { name: string; checked: boolean; onChange: () => void; title: string; children: ReactNode; label: string }) {
  return (
    <label className="choice">
      <input type="radio" name={props.name} checked={props.checked} onChange={props.onChange} aria-label={props.label} />
      <strong>{props.title}</strong>
      {props.children}
    </label>
  );
}

const IGNITION: { id: PxeIgnitionChoice; title: MessageKey; text: MessageKey }[] = [
  { id: 'embedded', title: 'netboot.ign.embedded', text: 'netboot.ign.embeddedHint' },
  { id: 'initrd', title: 'netboot.ign.initrd', text: 'netboot.ign.initrdHint' },
  { id: 'url', title: 'netboot.ign.url', text: 'netboot.ign.urlHint' },
];

/** The stream and architecture whose release is downloaded. */
function StreamPicker() {
  const t = useT();
  const s = useWizard((x) => x);
  const release = s.releases.find((r) => r.stream === s.stream && r.arch === s.arch);
  return (
    <div className="row">
      <label className="field">
        {t('netboot.stream')}
        <select value={s.stream} onChange={(e) => s.setStream(e.currentTarget.value)}>
          {STREAMS.map((id) => {
            const rel = s.releases.find((r) => r.stream === id);
            return (
              <option key={id} value={id}>
                {id}
                {rel ? ` (${rel.release})` : ''}
              </option>
            );
          })}
        </select>
      </label>
      <label className="field">
        {t('image.arch')}
        <select value={s.arch} onChange={(e) => void s.setArch(e.currentTarget.value)}>
          {ARCHES.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <span className="muted small grow">
        {release ? t('netboot.releaseNote', { release: release.release }) : t('netboot.releaseUnknown')}
      </span>
    </div>
  );
}

/** The live ISO the boot files are copied out of (the same image the USB mode writes). */
function IsoPicker() {
  const t = useT();
  const image = useWizard((s) => s.image);
  const error = useWizard((s) => s.imageError);
  return (
    <>
      {image ? (
        <p className="muted small" role="status">
          {t('netboot.usesIso', { name: image.name, what: image.release ? `Fedora CoreOS ${image.release}` : image.facts.volumeId })}
        </p>
      ) : (
        <p className="notice warn" role="status">
          <span>{t('netboot.chooseIso')}</span>
        </p>
      )}
      <LocalIsoPicker />
      {error && <ErrorNotice title={t('netboot.isoFailed')} error={error} />}
    </>
  );
}

/** Network boot step 2: stream, boot loader, rootfs source (with RAM), Ignition source, base URL, kargs. */
export function NetbootOptionsStep() {
  const t = useT();
  const s = useWizard((x) => x);
  usePxePreview();
  const kargProblem = pxeKargProblem(s);
  // a missing base URL is only reported once the field was touched (or an export was asked for)
  const otherProblem = s.pxePreviewError && !kargProblem && !pxeBaseUrlPending(s) ? s.pxePreviewError : undefined;
  const fields = hasFieldSettings(s.fieldSettings);
  return (
    <>
      <fieldset className="card group">
        <legend>{t('netboot.files')}</legend>
        <div className="choices two">
          <Choice
            name="pxe-source"
            label={t('netboot.fromStream')}
            title={t('netboot.fromStream')}
            checked={s.pxeSource === 'stream'}
            onChange={() => s.setPxe({ pxeSource: 'stream' })}
          >
            <span className="muted small">{t('netboot.fromStreamHint')}</span>
          </Choice>
          <Choice
            name="pxe-source"
            label={t('netboot.fromIso')}
            title={t('netboot.fromIso')}
            checked={s.pxeSource === 'iso'}
            onChange={() => s.setPxe({ pxeSource: 'iso' })}
          >
            <span className="muted small">{t('netboot.fromIsoHint')}</span>
          </Choice>
        </div>
        {s.pxeSource === 'stream' ? <StreamPicker /> : <IsoPicker />}
      </fieldset>

      <fieldset className="card group">
        <legend>{t('netboot.loader')}</legend>
        <div className="choices two">
          <Choice
            name="pxe-format"
            label="iPXE"
            title="iPXE"
            checked={s.pxeFormat === 'ipxe'}
            onChange={() => s.setPxe({ pxeFormat: 'ipxe' })}
          >
            <span className="muted small">{t('netboot.ipxeHint')}</span>
          </Choice>
          <Choice
            name="pxe-format"
            label="PXELINUX"
            title="PXELINUX"
            checked={s.pxeFormat === 'pxelinux'}
            onChange={() => s.setPxe({ pxeFormat: 'pxelinux' })}
          >
            <span className="muted small">{t('netboot.pxelinuxHint')}</span>
          </Choice>
        </div>
      </fieldset>

      <fieldset className="card group">
        <legend>{t('netboot.rootfs')}</legend>
        <div className="choices two">
          <Choice
            name="pxe-rootfs"
            label={t('netboot.rootfsUrlLabel', { ram: formatBytes(RAM_BY_ROOTFS.url) })}
            title={t('netboot.rootfsUrl')}
            checked={s.pxeRootfs === 'url'}
            onChange={() => s.setPxe({ pxeRootfs: 'url' })}
          >
            <span className="muted small">{t('netboot.rootfsUrlHint')}</span>
            <span className="badge">{t('netboot.ramAtLeast', { ram: formatBytes(RAM_BY_ROOTFS.url) })}</span>
          </Choice>
          <Choice
            name="pxe-rootfs"
            label={t('netboot.rootfsInitrdLabel', { ram: formatBytes(RAM_BY_ROOTFS.initrd) })}
            title={t('netboot.rootfsInitrd')}
            checked={s.pxeRootfs === 'initrd'}
            onChange={() => s.setPxe({ pxeRootfs: 'initrd' })}
          >
            <span className="muted small">{t('netboot.rootfsInitrdHint')}</span>
            <span className="badge">{t('netboot.ramAtLeast', { ram: formatBytes(RAM_BY_ROOTFS.initrd) })}</span>
          </Choice>
        </div>
        {s.pxePreview && (
          <p className="notice info" role="status">
            <span>{t(s.pxeRootfs === 'url' ? 'netboot.ramUrl' : 'netboot.ramInitrd', { ram: formatBytes(s.pxePreview.ramNeeded) })}</span>
          </p>
        )}
      </fieldset>

      <fieldset className="card group">
        <legend>{t('netboot.ignition')}</legend>
        <div className="choices">
          {IGNITION.map((c) => (
            <Choice
              key={c.id}
              name="pxe-ignition"
              label={t('netboot.ignChoice', { choice: t(c.title) })}
              title={t(c.title)}
              checked={s.pxeIgnition === c.id}
              onChange={() => s.setPxe({ pxeIgnition: c.id })}
            >
              <span className="muted small">{t(c.text)}</span>
            </Choice>
          ))}
        </div>
        {s.pxeIgnition === 'url' && fields && (
          <p className="muted small">{s.config ? t('netboot.mergedUrl', { name: s.config.name }) : t('netboot.mergedUrlAlone')}</p>
        )}
        {s.pxeIgnition === 'url' ? (
          <label className="field">
            {t('netboot.ignUrl')}
            <span className="hint">{t('netboot.ignUrlHint')}</span>
            <input
              type="text"
              value={s.pxeIgnitionUrl}
              placeholder="http://10.0.0.2:8080/site.ign"
              spellCheck={false}
              onChange={(e) => s.setPxe({ pxeIgnitionUrl: e.currentTarget.value })}
            />
          </label>
        ) : s.config ? (
          <p className="muted small">{t(fields ? 'netboot.usesConfigFields' : 'netboot.usesConfig', { name: s.config.name })}</p>
        ) : fields ? (
          <p className="muted small">{t('netboot.usesFields')}</p>
        ) : (
          <p className="notice warn" role="status">
            <span>{t('netboot.noConfig')}</span>
          </p>
        )}
      </fieldset>

      <div className="card">
        <label className="field">
          {t('netboot.baseUrl')}
          <span className="hint">{t('netboot.baseUrlHint')}</span>
          <input
            type="text"
            value={s.pxeBaseUrl}
            placeholder="http://10.0.0.2:8080/"
            spellCheck={false}
            onBlur={() => s.touchPxeBaseUrl()}
            onChange={(e) => s.setPxe({ pxeBaseUrl: e.currentTarget.value })}
          />
        </label>
        <label className="field">
          {t('options.kargs')}
          <span className="hint">{t('netboot.kargsHint')}</span>
          <input
            type="text"
            value={s.pxeKargs}
            placeholder="console=ttyS0,115200n8"
            spellCheck={false}
            aria-invalid={kargProblem ? true : undefined}
            aria-describedby={kargProblem ? 'pxe-karg-problem' : undefined}
            onChange={(e) => s.setPxe({ pxeKargs: e.currentTarget.value })}
          />
        </label>
        {kargProblem && (
          <div id="pxe-karg-problem">
            <ErrorNotice title={t('options.kargsBad')} error={kargProblem} />
          </div>
        )}
        {otherProblem && <ErrorNotice title={t('netboot.notYet')} error={otherProblem} />}
        {s.pxePreview && (
          <div className="field">
            <span>{t('netboot.cmdline')}</span>
            <code className="cmdline">{s.pxePreview.cmdline}</code>
          </div>
        )}
      </div>
    </>
  );
}
