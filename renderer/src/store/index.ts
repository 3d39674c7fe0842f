import { createContext, createElement, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { FlintApi, OpenedFile } from '../../../electron/contract/api';
import { createConfigSlice } from './config';
import { createFlashSlice } from './flash';
import { createFleetSlice } from './fleet';
import { createImageSlice } from './image';
import { createNetbootSlice } from './netboot';
import { createOptionsSlice } from './options';
import { createSiteSlice, memoryChoices } from './site';
import { createSticksSlice } from './sticks';
import { createTargetsSlice } from './targets';
import type { WizardState, WizardStore } from './types';
import { createUiSlice } from './ui';

export type { WizardState, WizardStore } from './types';

/** Creates the wizard store over `api` (window.flint or the bridge client). */
export function createWizardStore(api: FlintApi): WizardStore {
  return createStore<WizardState>()((set, get) => ({
    ...createConfigSlice(set, get, api),
    ...createImageSlice(set, get, api),
    ...createOptionsSlice(set, get, api),
    ...createTargetsSlice(set, get, api),
    ...createFlashSlice(set, get, api),
    ...createUiSlice(set, get, api),
    ...createNetbootSlice(set, get, api),
    ...createSiteSlice(set, get, api),
    ...createSticksSlice(set, get, api),
    ...createFleetSlice(set, get, api),
  }));
}

/**
 * Connects the store to the core: subscribes to every event channel and loads the first data
 * (app info, releases, drives). Returns a function that unsubscribes.
 */
export function connectWizard(store: WizardStore, api: FlintApi): () => void {
  const s = store.getState;
  const applyOpened = (o: OpenedFile) => {
    if (o.kind === 'image') s().adoptImage(o.image);
    else {
      store.setState({ config: o.file, configError: undefined, noConfig: false });
      void s().revalidateConfig();
    }
  };
  const offs = [
    api.on('drives:changed', (list) => {
      s().applyDriveList(list);
      s().applyPendingTargets();
    }),
    api.on('image:progress', (p) => s().applyImageProgress(p)),
    api.on('flash:progress', (p) => s().applyFlashProgress(p)),
    api.on('flash:target', (e) => s().applyTargetResult(e.jobId, e.result)),
    api.on('flash:finished', (f) => s().applyFlashFinished(f)),
    api.on('refresh:progress', (p) => s().applyRefreshProgress(p)),
    api.on('refresh:target', (e) => s().applyRefreshTarget(e.jobId, e.result)),
    api.on('refresh:finished', (f) => s().applyRefreshFinished(f)),
    api.on('app:opened', (o) => applyOpened(o)),
    api.on('app:open-failed', (e) => s().pushNotice(e)),
    api.on('pxe:progress', (p) => s().applyPxeProgress(p)),
    api.on('pxe:log', (e) => s().applyPxeLog(e.line)),
  ];
  void (async () => {
    const info = await api.invoke('app:info', {});
    if (info.ok) {
      s().setAppInfo(info.value);
      if (info.value.arch) store.setState({ arch: info.value.arch });
    } else s().pushNotice(info.error);
    const opened = await api.invoke('app:take-opened', {});
    if (opened.ok) opened.value.forEach(applyOpened);
    // the settings say whether sticks are ejected; the memory brings back the last choices
    const settings = await api.invoke('settings:get', {});
    if (settings.ok) store.setState({ settingsView: settings.value, eject: settings.value.settings.ejectWhenDone });
    await Promise.all([s().loadReleases(), s().refreshDrives(), s().loadCached(), s().restoreMemory()]);
    s().applyPendingTargets();
  })();
  // the choices are remembered a moment after they change (not on every keystroke)
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = '';
  const unsubscribe = store.subscribe((st) => {
    if (!st.memoryRestored) return;
    const key = JSON.stringify(memoryChoices(st));
    if (key === last) return;
    last = key;
    clearTimeout(timer);
    timer = setTimeout(() => void s().saveMemory(), 400);
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
    offs.forEach((off) => off());
  };
}

const StoreContext = createContext<WizardStore | null>(null);

/** Provides the wizard store to the component tree. */
export function WizardProvider(props: { store: WizardStore; children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: props.store }, props.children);
}

/** Reads a part of the wizard state (re-renders when it changes). */
export function useWizard<T>(selector: (s: WizardState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useWizard needs a WizardProvider');
  return useStore(store, selector);
}

/** The store object itself (for actions in event handlers). */
export function useWizardStore(): WizardStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useWizardStore needs a WizardProvider');
  return store;
}
