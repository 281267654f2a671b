// Draws the toolbar icons (a white "V" on an indigo rounded square) into
// icons/*.png. Run once with `node scripts/icons.mjs`; the PNGs are committed.
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { crc32 } from './zip.mjs';

function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x, y);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = a;
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// Shape in unit coordinates: 0 outside, 1 background, 2 letter.
function shape(u, v) {
  const r = 0.22; // corner radius
  const cx = Math.min(Math.max(u, r), 1 - r), cy = Math.min(Math.max(v, r), 1 - r);
  if (Math.hypot(u - cx, v - cy) > r) return 0;
  const w = 0.085;
  if (distToSegment(u, v, 0.27, 0.27, 0.5, 0.75) < w || distToSegment(u, v, 0.73, 0.27, 0.5, 0.75) < w) return 2;
  return 1;
}

const BG = [67, 56, 202], FG = [255, 255, 255];
mkdirSync(new URL('../icons/', import.meta.url), { recursive: true });
for (const size of [16, 32, 48, 128]) {
  const ss = 4;
  const data = png(size, (x, y) => {
    let a = 0, r = 0, g = 0, b = 0;
    for (let i = 0; i < ss; i++) for (let j = 0; j < ss; j++) {
      const s = shape((x + (i + 0.5) / ss) / size, (y + (j + 0.5) / ss) / size);
      if (!s) continue;
      const c = s === 2 ? FG : BG;
      a++; r += c[0]; g += c[1]; b += c[2];
    }
    if (!a) return [0, 0, 0, 0];
    return [Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((255 * a) / (ss * ss))];
  });
  writeFileSync(new URL(`../icons/icon-${size}.png`, import.meta.url), data);
}
console.log('icons written');
