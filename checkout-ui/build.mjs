// Builds the static site into dist/: checkout.js (the SDK), the checkout page and the demo shop.
// Fails when the minified SDK is over its 4 KB budget. Usage: node build.mjs
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

const SDK_BUDGET = 4096;
const dist = new URL('./dist/', import.meta.url);
const src = (path) => new URL(`./src/${path}`, import.meta.url).pathname;
const out = (path) => new URL(path, dist).pathname;

await rm(dist, { recursive: true, force: true });
await mkdir(new URL('assets/', dist), { recursive: true });

const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning' };
await Promise.all([
  // The SDK runs on merchants' pages: an IIFE for browsers of the last few years.
  build({ ...common, entryPoints: [src('sdk/checkout.js')], outfile: out('checkout.js'), format: 'iife', target: 'es2019' }),
  build({ ...common, entryPoints: [src('page/main.js')], outfile: out('assets/checkout-page.js'), format: 'iife', target: 'es2020' }),
  build({ ...common, entryPoints: [src('page/checkout.css')], outfile: out('assets/checkout.css') }),
  build({ ...common, entryPoints: [src('demo/demo.js')], outfile: out('assets/demo.js'), format: 'iife', target: 'es2020' }),
  copyFile(src('page/checkout.html'), out('checkout.html')),
  copyFile(src('demo/demo.html'), out('demo.html')),
  build({ ...common, entryPoints: [src('demo/demo.css')], outfile: out('assets/demo.css') }),
]);

const sdk = await readFile(out('checkout.js'));
const sizes = { minified: sdk.length, gzipped: gzipSync(sdk, { level: 9 }).length, budget: SDK_BUDGET };
await writeFile(out('sdk-size.json'), JSON.stringify(sizes) + '\n');
console.log(`checkout.js: ${sizes.minified} bytes minified, ${sizes.gzipped} bytes gzipped (budget ${SDK_BUDGET})`);
if (sizes.minified > SDK_BUDGET) {
  console.error(`checkout.js is ${sizes.minified - SDK_BUDGET} bytes over its ${SDK_BUDGET}-byte budget`);
  process.exit(1);
}
