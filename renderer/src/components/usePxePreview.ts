import { useEffect } from 'react';
import { useWizard } from '../store';
import { pxeInputs, toPxeOptions } from '../store/netboot';

/** Keeps the network boot preview in step with the options, the config and the field settings (typing settles first). */
export function usePxePreview(): void {
  const key = useWizard((s) => JSON.stringify([toPxeOptions(s), pxeInputs(s)]));
  const refresh = useWizard((s) => s.refreshPxePreview);
  useEffect(() => {
    const t = setTimeout(() => void refresh(), 200);
    return () => clearTimeout(t);
  }, [key, refresh]);
}
