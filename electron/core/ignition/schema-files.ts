import v3_0 from './schemas/v3_0.json';
import v3_1 from './schemas/v3_1.json';
import v3_2 from './schemas/v3_2.json';
import v3_3 from './schemas/v3_3.json';
import v3_4 from './schemas/v3_4.json';
import v3_5 from './schemas/v3_5.json';
import v3_6 from './schemas/v3_6.json';

export type Schema = { [key: string]: unknown };

/** The official Ignition JSON schemas Flint ships, by spec version (see schemas/ORIGIN.md). */
export const IGNITION_SCHEMAS: Readonly<Record<string, Schema>> = {
  '3.0.0': v3_0,
  '3.1.0': v3_1,
  '3.2.0': v3_2,
  '3.3.0': v3_3,
  '3.4.0': v3_4,
  '3.5.0': v3_5,
  '3.6.0': v3_6,
};

/** Spec versions Flint can validate, oldest first. */
export const SUPPORTED_IGNITION_VERSIONS: readonly string[] = Object.keys(IGNITION_SCHEMAS);
