// helpers.mjs: the web application in Debian's chromium (playwright-core), against a real
// `demine serve` on the demo data with one user per role (../api/helpers.mjs).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, password, ROOT, ok } from './server.mjs';

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

export async function shot(page, name, opts = {}) {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, ...opts });
  return path;
}

// Waits until the main map (or the small map of a record, 'mini') has loaded and stopped moving.
export async function mapIdle(page, which = 'map') {
  await page.waitForFunction((w) => { const m = window.__demine?.[w]; return m && m.loaded() && m.areTilesLoaded() && !m.isMoving(); },
    which, { timeout: 30000, polling: 100 });
}

// Ids of rendered features of style layers (one id or a list; 'hazard' = every hazard layer).
export async function renderedIds(page, layers) {
  const list = layers === 'hazard' ? ['hazard-fill', 'hazard-point'] : [layers].flat();
  return page.evaluate((l) => [...new Set(window.__demine.map.queryRenderedFeatures({ layers: l }).map((f) => f.properties.id))], list);
}

// `demine export` of one record type as GeoJSON (the test's own view of the data).
export function exported(s, type, { approved = false } = {}) {
  const args = ['export', '--db', s.db, '--type', type, '--format', 'geojson'];
  if (approved) args.push('--approved');
  return JSON.parse(ok(args).stdout);
}

export function bboxOf(features) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') { b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]); }
    else c.forEach(walk);
  };
  for (const f of features) walk(f.geometry.coordinates);
  return b;
}

// Waits until the page's content is drawn (the router clears aria-busy when the page is done).
export async function ready(page) {
  await page.waitForFunction(() => {
    const m = document.getElementById('main');
    return m.dataset.hash === location.hash && m.getAttribute('aria-busy') === 'false';
  }, null, { timeout: 30000, polling: 50 });
}
