// Shared by the flows: Debian's Chromium (never a downloaded one) with the flags this machine
// needs (playwright gives each run a fresh profile), screenshots into SCREENSHOTS, and one JSON line of results on stdout.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const tid = (id) => `[data-test-id="${id}"]`;
const SCREENSHOTS = process.env.SCREENSHOTS || join(process.cwd(), 'screenshots');

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Runs `flow(page)` in a fresh headless Chromium and prints what it returns as JSON. */
export async function run(name, flow) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  try {
    const result = await flow(page);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    console.log(JSON.stringify({ ...result, problems }));
  } catch (e) {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-failed.png`), fullPage: true }).catch(() => {});
    console.error(`${name}: ${e.stack || e}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
