import { useEffect } from 'react';
import { useWizard } from '../store';
import { toPxeOptions } from '../store/netboot';

/** Keeps the network boot preview in step with the options and the config (typing settles first). */
export function usePxePreview(): void {
  const key = useWizard((s) => JSON.stringify([toPxeOptions(s), s.config?.id]));
  const refresh = useWizard((s) => s.refreshPxePreview);
  useEffect(() => {
    const t = setTimeout(() => void refresh(), 200);
    return () => clearTimeout(t);
  }, [key, refresh]);
}
