// helpers.mjs: the web application in Debian's chromium (playwright-core), against a real
// `demine serve` on the demo data with one user per role (../api/helpers.mjs).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, password, ROOT } from './server.mjs';

export { password };
export const OUT = join(ROOT, 'tests/out');
export const WEB = join(ROOT, 'web');

// Starts the server on the real web folder and a headless chromium; returns {s, browser}.
export async function start() {
  const s = await startServer({ webDir: WEB });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  return { s, browser };
}

export async function finish({ s, browser }) {
  await browser?.close();
  await s?.stop();
}

// A new page that records console errors and uncaught exceptions into page.errors.
export async function newPage(browser, s, { lang = 'en', viewport = { width: 1366, height: 860 } } = {}) {
  const ctx = await browser.newContext({ viewport, baseURL: s.url, locale: 'en-GB', acceptDownloads: true });
  await ctx.addInitScript((l) => { if (!localStorage.getItem('demine.lang')) localStorage.setItem('demine.lang', l); }, lang);
  const page = await ctx.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => page.errors.push(`exception: ${e.message}`));
  return page;
}

export async function signIn(page, role) {
  await page.goto('/#/login');
  await page.getByLabel(/user name|istifadəçi adı|имя пользователя/i).fill(role);
  await page.getByLabel(/^(password|şifrə|пароль)$/i).fill(password(role));
  await page.locator('form.login button[type=submit]').click();
  await page.waitForSelector('#signout');
}

export async function shot(page, name) {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

// Waits until the map has loaded its tiles and stopped moving.
export async function mapIdle(page) {
  await page.waitForFunction(() => window.__demine?.map?.loaded() && window.__demine.map.areTilesLoaded(), null, { timeout: 30000 });
  await page.evaluate(() => new Promise((res) => { const m = window.__demine.map; if (!m.isMoving()) res(); else m.once('idle', res); }));
}

// Ids of rendered features of a style layer.
export async function renderedIds(page, layer) {
  return page.evaluate((l) => [...new Set(window.__demine.map.queryRenderedFeatures({ layers: [l] }).map((f) => f.properties.id))], layer);
}
