/** Flint's version, shown by `flint --version` and in the app's About box. */
export const VERSION = '0.1.0';
