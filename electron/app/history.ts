/**
 * Feature "history": the record of every flash the session's person made (electron/core/history),
 * listed newest first and exported as CSV or JSON. Electron-free.
 */
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import type { HistoryEntry } from '../contract/site';
import { historyCsv, type HistoryRecord } from '../core/history/record';
import type { Session } from './session';

/** The contract's view of a record. */
function toEntry(r: HistoryRecord): HistoryEntry {
  return {
    time: r.time,
    by: r.by,
    ok: r.ok,
    cancelled: r.cancelled,
    image: r.image,
    configSha256: r.configSha256,
    kargs: r.kargs,
    sticks: r.sticks.map((s) => ({
      device: s.device,
      model: s.model,
      serial: s.serial,
      size: s.size,
      ending: s.ending,
      ok: s.ok,
      ...(s.error ? { error: s.error } : {}),
      bytesWritten: s.bytesWritten,
      ...(s.configSha256 !== undefined ? { configSha256: s.configSha256 } : {}),
      configReadBack: s.configReadBack,
      ...(s.fleetRow ? { fleetRow: s.fleetRow } : {}),
    })),
    durationMs: r.durationMs,
    averageSpeed: r.averageSpeed,
  };
}

/** history:list — newest first. */
export async function listHistory(s: Session): Promise<InvokeResponse<'history:list'>> {
  return (await s.site.history()).reverse().map(toEntry);
}

/** history:export — the whole record as a file's text (the page saves it). */
export async function exportHistory(s: Session, req: InvokeRequest<'history:export'>): Promise<InvokeResponse<'history:export'>> {
  const records = await s.site.history();
  const day = new Date().toISOString().slice(0, 10);
  if (req.format === 'csv') return { name: `flint-history-${day}.csv`, mime: 'text/csv', text: historyCsv(records) };
  return { name: `flint-history-${day}.json`, mime: 'application/json', text: JSON.stringify(records, null, 2) + '\n' };
}
