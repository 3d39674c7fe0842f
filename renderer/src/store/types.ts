import type { StoreApi } from 'zustand/vanilla';
import type { FlintApi } from '../../../electron/contract/api';
import type { ConfigSlice } from './config';
import type { ImageSlice } from './image';
import type { OptionsSlice } from './options';
import type { TargetsSlice } from './targets';
import type { FlashSlice } from './flash';
import type { NetbootSlice } from './netboot';
import type { SticksSlice } from './sticks';
import type { UiSlice } from './ui';
import type { SiteSlice } from './site';
import type { FleetSlice } from './fleet';

/** The whole wizard state: one zustand store made of one slice per concern. */
export type WizardState = ConfigSlice &
  ImageSlice &
  OptionsSlice &
  TargetsSlice &
  FlashSlice &
  UiSlice &
  NetbootSlice &
  SticksSlice &
  SiteSlice &
  FleetSlice;

/** The store object (vanilla zustand; React reads it through `useWizard`). */
export type WizardStore = StoreApi<WizardState>;

/** Builds one slice; each slice talks to the core only through the contract's `FlintApi`. */
export type SliceCreator<T> = (set: StoreApi<WizardState>['setState'], get: StoreApi<WizardState>['getState'], api: FlintApi) => T;
