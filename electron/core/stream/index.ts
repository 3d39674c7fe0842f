/**
 * Fedora CoreOS streams, cached resumable downloads and SHA-256 + OpenPGP verification
 * (the public API other parts of Flint use).
 */
export {
  STREAMS,
  DEFAULT_STREAM_BASE_URL,
  fetchStreamMetadata,
  selectRelease,
  nodeArchToCoreos,
  normalizeArch,
  parseStreamMetadata,
  streamUrl,
} from './metadata';
export type { Artifact, Release, StreamMetadata, StreamName } from './metadata';
export { downloadArtifact } from './download';
export type { DownloadOptions, DownloadResult } from './download';
export { importLocalIso } from './local';
export type { ImportOptions, ImportResult } from './local';
export { listCache, pruneCache, defaultCacheDir, lookupCache } from './cache';
export { verifyCachedEntry } from './cache-trust';
export type { CacheTrustOptions } from './cache-trust';
export { proxyFor, bypassesProxy, normalizeProxyUrl } from './proxy';
export type { NetworkOptions } from './proxy';
export type { CacheEntry, CacheListing, CacheRecord, PartialEntry, PruneOptions, PruneResult } from './cache';
export { loadKeyring, bundledKeys, fingerprints } from './keyring';
export { StreamVerifier } from './verify';
export type { VerifyOutcome } from './verify';
