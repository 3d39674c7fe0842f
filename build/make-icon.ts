/**
 * Draws Flint's app icon (a spark over a rounded square) as PNG files, with no image library:
 * an anti-aliased signed-distance rasteriser and a minimal PNG encoder (zlib from Node).
 *   node --import tsx build/make-icon.ts   → build/icons/{16..512}x{..}.png and icon.png
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

/** PNG sizes written (Linux wants NxN.png; icon.png is 512 for Windows/macOS). */
export const ICON_SIZES = [16, 32, 48, 64, 128, 256, 512];

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** Encodes RGBA pixels (row-major) as a PNG. */
export function encodePng(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Signed distance to a rounded square of half-size h and radius r (unit coordinates). */
function roundedSquare(x: number, y: number, h: number, r: number): number {
  const qx = Math.abs(x) - h + r;
  const qy = Math.abs(y) - h + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Signed distance to a four-pointed spark (a concave star) centred at (cx, cy). */
function spark(x: number, y: number, cx: number, cy: number, s: number): number {
  const dx = Math.abs(x - cx) / s;
  const dy = Math.abs(y - cy) / s;
  // |x|^0.5 + |y|^0.5 <= 1 is an astroid-like star; scale the level set to a distance estimate.
  return (Math.sqrt(dx) + Math.sqrt(dy) - 1) * s * 0.5;
}

/** Renders the icon at `size` pixels. */
export function renderIcon(size: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const aa = 1.5 / size;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = ((i + 0.5) / size) * 2 - 1;
      const y = ((j + 0.5) / size) * 2 - 1;
      const bg = Math.min(1, Math.max(0, 0.5 - roundedSquare(x, y, 0.92, 0.28) / (2 * aa)));
      const fg = Math.min(1, Math.max(0, 0.5 - spark(x, y, 0, 0.02, 0.7) / (2 * aa)));
      // background: dark slate to ink, top to bottom; spark: amber to orange
      const t = (y + 1) / 2;
      const bgc = [38 - 14 * t, 44 - 16 * t, 58 - 18 * t];
      const fgc = [255, 196 - 70 * t, 64 - 40 * t];
      const o = (j * size + i) * 4;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(bgc[c]! * (1 - fg) + fgc[c]! * fg);
      px[o + 3] = Math.round(255 * Math.max(bg, fg * bg));
    }
  }
  return px;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = fileURLToPath(new URL('./icons/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  for (const s of ICON_SIZES) writeFileSync(`${dir}${s}x${s}.png`, encodePng(s, renderIcon(s)));
  writeFileSync(`${dir}icon.png`, encodePng(512, renderIcon(512)));
}
