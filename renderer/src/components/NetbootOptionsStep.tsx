import type { ReactNode } from 'react';
import { formatBytes } from '../format';
import { useWizard } from '../store';
import { ARCHES, STREAMS } from '../store/image';
import { hasFieldSettings } from '../store/options';
import { RAM_BY_ROOTFS, pxeBaseUrlPending, pxeKargProblem, type PxeIgnitionChoice } from '../store/netboot';
import { ErrorNotice } from './ErrorNotice';
import { LocalIsoPicker } from './LocalIsoPicker';
import { usePxePreview } from './usePxePreview';

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

const IGNITION: { id: PxeIgnitionChoice; title: string; text: string }[] = [
  { id: 'embedded', title: 'Embedded', text: 'Inside a customized initramfs (coreos-installer pxe customize).' },
  { id: 'initrd', title: 'Separate initrd', text: 'ignition.img beside the release: keeps working when the mirror refreshes.' },
  { id: 'url', title: 'By URL', text: 'The machine fetches it at boot (ignition.config.url).' },
];

/** The stream and architecture whose release is downloaded. */
function StreamPicker() {
  const s = useWizard((x) => x);
  const release = s.releases.find((r) => r.stream === s.stream && r.arch === s.arch);
  return (
    <div className="row">
      <label className="field">
        Stream
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
        Architecture
        <select value={s.arch} onChange={(e) => void s.setArch(e.currentTarget.value)}>
          {ARCHES.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <span className="muted small grow">
        {release
          ? `Fedora CoreOS ${release.release}: kernel, initramfs and rootfs are downloaded and verified with Fedora's keys.`
          : 'Release not known yet.'}
      </span>
    </div>
  );
}

/** The live ISO the boot files are copied out of (the same image the USB mode writes). */
function IsoPicker() {
  const image = useWizard((s) => s.image);
  const error = useWizard((s) => s.imageError);
  return (
    <>
      {image ? (
        <p className="muted small" role="status">
          Uses {image.name}
          {image.release ? ` (Fedora CoreOS ${image.release})` : ` (${image.facts.volumeId})`}: its images/pxeboot kernel, initramfs and
          rootfs are copied into the boot folder.
        </p>
      ) : (
        <p className="notice warn" role="status">
          <span>Choose the live ISO to take the boot files from.</span>
        </p>
      )}
      <LocalIsoPicker />
      {error && <ErrorNotice title="The ISO could not be opened" error={error} />}
    </>
  );
}

/** Network boot step 2: stream, boot loader, rootfs source (with RAM), Ignition source, base URL, kargs. */
export function NetbootOptionsStep() {
  const s = useWizard((x) => x);
  usePxePreview();
  const kargProblem = pxeKargProblem(s);
  // a missing base URL is only reported once the field was touched (or an export was asked for)
  const otherProblem = s.pxePreviewError && !kargProblem && !pxeBaseUrlPending(s) ? s.pxePreviewError : undefined;
  const fields = hasFieldSettings(s.fieldSettings);
  return (
    <>
      <fieldset className="card group">
        <legend>Boot files</legend>
        <div className="choices two">
          <Choice
            name="pxe-source"
            label="Download a release"
            title="Download a release"
            checked={s.pxeSource === 'stream'}
            onChange={() => s.setPxe({ pxeSource: 'stream' })}
          >
            <span className="muted small">The stream's current kernel, initramfs and rootfs, checked with Fedora's keys.</span>
          </Choice>
          <Choice
            name="pxe-source"
            label="From a live ISO"
            title="From a live ISO"
            checked={s.pxeSource === 'iso'}
            onChange={() => s.setPxe({ pxeSource: 'iso' })}
          >
            <span className="muted small">Copied out of a live ISO you have: no Internet needed.</span>
          </Choice>
        </div>
        {s.pxeSource === 'stream' ? <StreamPicker /> : <IsoPicker />}
      </fieldset>

      <fieldset className="card group">
        <legend>Boot loader</legend>
        <div className="choices two">
          <Choice
            name="pxe-format"
            label="iPXE"
            title="iPXE"
            checked={s.pxeFormat === 'ipxe'}
            onChange={() => s.setPxe({ pxeFormat: 'ipxe' })}
          >
            <span className="muted small">boot.ipxe, loads everything over HTTP. BIOS and UEFI.</span>
          </Choice>
          <Choice
            name="pxe-format"
            label="PXELINUX"
            title="PXELINUX"
            checked={s.pxeFormat === 'pxelinux'}
            onChange={() => s.setPxe({ pxeFormat: 'pxelinux' })}
          >
            <span className="muted small">pxelinux.cfg/default, kernel and initrds over TFTP. BIOS only.</span>
          </Choice>
        </div>
      </fieldset>

      <fieldset className="card group">
        <legend>Root filesystem</legend>
        <div className="choices two">
          <Choice
            name="pxe-rootfs"
            label={`By URL, needs ${formatBytes(RAM_BY_ROOTFS.url)} of RAM`}
            title="By URL"
            checked={s.pxeRootfs === 'url'}
            onChange={() => s.setPxe({ pxeRootfs: 'url' })}
          >
            <span className="muted small">The initramfs fetches it from coreos.live.rootfs_url.</span>
            <span className="badge">RAM: at least {formatBytes(RAM_BY_ROOTFS.url)}</span>
          </Choice>
          <Choice
            name="pxe-rootfs"
            label={`As an initrd, needs ${formatBytes(RAM_BY_ROOTFS.initrd)} of RAM`}
            title="As an initrd"
            checked={s.pxeRootfs === 'initrd'}
            onChange={() => s.setPxe({ pxeRootfs: 'initrd' })}
          >
            <span className="muted small">The boot loader loads it beside the initramfs.</span>
            <span className="badge">RAM: at least {formatBytes(RAM_BY_ROOTFS.initrd)}</span>
          </Choice>
        </div>
        {s.pxePreview && (
          <p className="notice info" role="status">
            <span>The machine {s.pxePreview.ramNote}.</span>
          </p>
        )}
      </fieldset>

      <fieldset className="card group">
        <legend>Ignition config</legend>
        <div className="choices">
          {IGNITION.map((c) => (
            <Choice
              key={c.id}
              name="pxe-ignition"
              label={`Ignition ${c.title}`}
              title={c.title}
              checked={s.pxeIgnition === c.id}
              onChange={() => s.setPxe({ pxeIgnition: c.id })}
            >
              <span className="muted small">{c.text}</span>
            </Choice>
          ))}
        </div>
        {s.pxeIgnition === 'url' && fields && (
          <p className="muted small">
            The field settings are merged with {s.config ? s.config.name : 'nothing else'} into a config exported to the folder for the
            mirror to serve; a static IP goes in network.img, loaded as an initrd.
          </p>
        )}
        {s.pxeIgnition === 'url' ? (
          <label className="field">
            Ignition config URL
            <span className="hint">http, https or tftp</span>
            <input
              type="text"
              value={s.pxeIgnitionUrl}
              placeholder="http://10.0.0.2:8080/site.ign"
              spellCheck={false}
              onChange={(e) => s.setPxe({ pxeIgnitionUrl: e.currentTarget.value })}
            />
          </label>
        ) : s.config ? (
          <p className="muted small">
            Uses {s.config.name} from the Config step{fields ? ', with the field settings merged after it' : ''}.
          </p>
        ) : fields ? (
          <p className="muted small">Uses the field settings from the Config step (no Ignition file chosen).</p>
        ) : (
          <p className="notice warn" role="status">
            <span>No config chosen in the Config step: the live system will only offer a console autologin.</span>
          </p>
        )}
      </fieldset>

      <div className="card">
        <label className="field">
          Base URL
          <span className="hint">
            Where machines reach the boot mirror (Flint's own or any web server); iPXE loads everything from it and the rootfs URL is built
            from it.
          </span>
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
          Extra kernel arguments
          <span className="hint">Separated by spaces; ignition.firstboot ignition.platform.id=metal are always added.</span>
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
            <ErrorNotice title="These kernel arguments cannot be used" error={kargProblem} />
          </div>
        )}
        {otherProblem && <ErrorNotice title="The boot config cannot be generated yet" error={otherProblem} />}
        {s.pxePreview && (
          <div className="field">
            <span>Kernel command line</span>
            <code className="cmdline">{s.pxePreview.cmdline}</code>
          </div>
        )}
      </div>
    </>
  );
}
