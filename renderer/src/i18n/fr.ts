import type { Catalogue } from './keys';
import { en } from './en';

export const fr: Catalogue = en;
