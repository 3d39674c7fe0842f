import { FlintError } from '../errors';

/** OS feature flags from `coreos/features.json` (docs/live-iso-format.md §7.7); a missing file means all false. */
export interface IsoFeatures {
  installerConfig: boolean;
  installerConfigDirectives: Record<string, boolean>;
  liveInitrdNetwork: boolean;
}

/** Features of an image without features.json. */
export const NO_FEATURES: IsoFeatures = { installerConfig: false, installerConfigDirectives: {}, liveInitrdNetwork: false };

/** Parses features.json; unknown keys are ignored, a malformed file is an error. */
export function parseFeatures(bytes: Uint8Array): IsoFeatures {
  try {
    const raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('expected a JSON object');
    const bool = (v: unknown, key: string): boolean => {
      if (v === undefined) return false;
      if (typeof v !== 'boolean') throw new Error(`${key}: expected a boolean`);
      return v;
    };
    const directives: Record<string, boolean> = {};
    const d = raw['installer-config-directives'];
    if (d !== undefined) {
      if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new Error('installer-config-directives: expected an object');
      for (const [k, v] of Object.entries(d)) directives[k] = bool(v, k);
    }
    return {
      installerConfig: bool(raw['installer-config'], 'installer-config'),
      installerConfigDirectives: directives,
      liveInitrdNetwork: bool(raw['live-initrd-network'], 'live-initrd-network'),
    };
  } catch (err) {
    throw new FlintError('FEATURES_CORRUPT', 'parsing OS features', [(err as Error).message]);
  }
}
