#!/usr/bin/env node
/* global console */
// Regenerates the icon set in resources/ from resources/icon.svg (the one source):
//   resources/icons/<N>x<N>.png  16…1024, the Linux set electron-builder puts in deb/AppImage
//   resources/icon.png           512×512: the window, the About dialog
//   resources/icon.ico           Windows installer and exe; serve mode's favicon
//   resources/icon.icns          macOS app and dmg
// The outputs are committed, so building or packaging never needs this script; run it
// (`npm run icons`) after changing the SVG. sharp renders the SVG; icon-gen packs .ico and .icns.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import icongen from 'icon-gen';
import sharp from 'sharp';

const root = join(import.meta.dirname, '..', 'resources');
const source = join(root, 'icon.svg');
const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

function render(size) {
  // The SVG is 1024 wide: render at the density that makes it exactly `size` pixels, so small
  // sizes are drawn from vectors rather than scaled down from a bitmap.
  return sharp(source, { density: (72 * size) / 1024 }).resize(size, size).png({ compressionLevel: 9 });
}

await rm(join(root, 'icons'), { recursive: true, force: true });
await mkdir(join(root, 'icons'), { recursive: true });
for (const size of PNG_SIZES) await render(size).toFile(join(root, 'icons', `${size}x${size}.png`));
await render(512).toFile(join(root, 'icon.png'));

await icongen(source, root, {
  report: false,
  ico: { name: 'icon', sizes: [16, 24, 32, 48, 64, 128, 256] },
  icns: { name: 'icon', sizes: [16, 32, 64, 128, 256, 512, 1024] },
});
console.log(`icons written to ${root}`);
