/**
 * Renderer benchmark (plain node script: `node --import tsx tests/bench/renderer.bench.ts`).
 * 1. Bundle size: JS and CSS bytes of the Vite build, gzip-compressed too (zlib level 9), with
 *    `gzip -9` run on the same files as the baseline tool (ratio ~1.00 = the numbers agree).
 * 2. Time to first interactive render in headless Debian Chromium over the real loopback bridge:
 *    from navigation start until the wizard's first control (the config drop zone) is in the DOM
 *    and enabled, and until the live data (releases from the local mirror and the drive list) is
 *    shown; median of FLINT_BENCH_LOADS (default 5) cold page loads, each in a fresh profile. The
 *    baseline is a one-line HTML page served by the same server and measured the same way.
 * Prints peak RSS of this process (the server side; Chromium runs in its own processes).
 * Needs /usr/bin/chromium; everything it makes is removed at the end.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROMIUM, launchChromium, startStack } from '../e2e/renderer/harness';
import { missingRequirements } from '../helpers/requirements';

const LOADS = Number(process.env.FLINT_BENCH_LOADS ?? 5);

/** What the init script leaves on the page's global object. */
type Timed = { __flintTimes?: { first?: number; ready?: number } };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function peakRssMiB(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** Sizes of the built assets: raw, zlib gzip -9, and the gzip CLI's -9 output. */
function bundleSizes(dir: string): { kind: string; raw: number; gz: number; cli: number }[] {
  const assets = path.join(dir, 'assets');
  const out = new Map<string, { raw: number; gz: number; cli: number }>();
  for (const f of readdirSync(assets)) {
    const kind = path.extname(f).slice(1);
    if (kind !== 'js' && kind !== 'css') continue;
    const file = path.join(assets, f);
    const data = readFileSync(file);
    const cli = execFileSync('gzip', ['-9', '-c', file]).length;
    const e = out.get(kind) ?? { raw: 0, gz: 0, cli: 0 };
    out.set(kind, { raw: e.raw + statSync(file).size, gz: e.gz + gzipSync(data, { level: 9 }).length, cli: e.cli + cli });
  }
  return [...out].map(([kind, v]) => ({ kind, ...v }));
}

/**
 * Loads `url` in a fresh Chromium profile and returns the ms from navigation start until
 * `selector` exists (first) and until `ready` exists (data), measured in the page itself.
 */
async function load(url: string, selector: string, ready: string): Promise<{ first: number; ready: number }> {
  const b = await launchChromium();
  try {
    // record the times in the page (the init script is injected by the browser, outside the CSP);
    // written as a string: this file is type-checked without the DOM library
    await b.page.addInitScript({
      content: `(() => {
        const t = (window.__flintTimes = {});
        new MutationObserver(() => {
          const el = document.querySelector(${JSON.stringify(selector)});
          if (!t.first && el && !el.disabled) t.first = performance.now();
          if (!t.ready && document.querySelector(${JSON.stringify(ready)})) t.ready = performance.now();
        }).observe(document, { childList: true, subtree: true, attributes: true });
      })();`,
    });
    await b.page.goto(url);
    // functions (not strings: the page's CSP forbids eval), DOM reached through globalThis
    await b.page.waitForFunction(
      () => {
        const t = (globalThis as Timed).__flintTimes;
        return !!(t?.first && t.ready);
      },
      null,
      { timeout: 30_000 },
    );
    return await b.page.evaluate(() => {
      const t = (globalThis as Timed).__flintTimes;
      return { first: t?.first ?? NaN, ready: t?.ready ?? NaN };
    });
  } finally {
    await b.close();
  }
}

async function main(): Promise<void> {
  const missing = missingRequirements({ tools: ['gzip'], files: [CHROMIUM] });
  if (missing.length) throw new Error(`renderer bench needs: ${missing.join(', ')}`);
  const stack = await startStack();
  try {
    console.log('renderer bundle (Vite production build):');
    let total = { raw: 0, gz: 0, cli: 0 };
    for (const s of bundleSizes(stack.rendererDir)) {
      total = { raw: total.raw + s.raw, gz: total.gz + s.gz, cli: total.cli + s.cli };
      console.log(
        `  ${s.kind.padEnd(4)} ${(s.raw / 1024).toFixed(1).padStart(7)} KiB, gzip ${(s.gz / 1024).toFixed(1).padStart(6)} KiB (gzip -9 CLI ${(s.cli / 1024).toFixed(1)} KiB, ratio ${(s.gz / s.cli).toFixed(2)})`,
      );
    }
    console.log(
      `  all  ${(total.raw / 1024).toFixed(1).padStart(7)} KiB, gzip ${(total.gz / 1024).toFixed(1).padStart(6)} KiB (gzip -9 CLI ${(total.cli / 1024).toFixed(1)} KiB, ratio ${(total.gz / total.cli).toFixed(2)})`,
    );

    // baseline: a trivial page from the same server, same measurement
    writeFileSync(path.join(stack.rendererDir, 'baseline.html'), '<!doctype html><title>b</title><button id="b">b</button><p id="r">r</p>');
    const base = new URL(stack.url);
    base.pathname = '/baseline.html';
    const baseline: number[] = [];
    const first: number[] = [];
    const ready: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      baseline.push((await load(base.href, '#b', '#r')).first);
      // "ready": the stream choices show their releases and the drive list has been read
      const t = await load(stack.url, '.dropzone', 'body[data-flint-ready]');
      first.push(t.first);
      ready.push(t.ready);
    }
    const b = median(baseline);
    const f = median(first);
    const r = median(ready);
    console.log(`first interactive render, median of ${LOADS} cold loads in Chromium:`);
    console.log(`  baseline page   ${b.toFixed(0).padStart(5)} ms  [${baseline.map((x) => x.toFixed(0)).join(', ')}]`);
    console.log(
      `  wizard controls ${f.toFixed(0).padStart(5)} ms  [${first.map((x) => x.toFixed(0)).join(', ')}]  ratio ${(f / b).toFixed(2)} of baseline`,
    );
    console.log(
      `  with live data  ${r.toFixed(0).padStart(5)} ms  [${ready.map((x) => x.toFixed(0)).join(', ')}]  ratio ${(r / b).toFixed(2)} of baseline`,
    );
    console.log(`peak RSS (bench process: bridge + mirror + Vite build) ${peakRssMiB().toFixed(0)} MiB`);
  } finally {
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
