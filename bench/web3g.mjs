#!/usr/bin/env node
// web3g.mjs: the web application on emulated mobile networks (issue 25 part 5), in Debian's
// Chromium with its network emulation (CDP Network.emulateNetworkConditions): the time until
// the sign-in form is shown and until the map is ready after signing in, on a first visit
// (empty cache) and a repeat visit (same browser profile), on 3G (300 ms, 750 kbit/s) and
// slow 3G (2 s, 400 kbit/s). Writes its section into bench/results/latest.md between the
// markers <!-- web3g --> and <!-- /web3g --> (and nothing else there).
//   node bench/web3g.mjs            (DEMINE_BIN: build/demine; BENCH_WEB3G_REPS: 1)
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, password, ROOT } from '../tests/web/server.mjs';

const NETWORKS = [
  { name: '3G', latency: 300, kbit: 750, goals: { login: 1500, mapFirst: 8000, mapRepeat: 2000 } },
  { name: 'slow 3G', latency: 2000, kbit: 400 },
];
const REPS = Number(process.env.BENCH_WEB3G_REPS || 1);
const OUT = join(ROOT, process.env.BENCH_OUT || 'bench/results', 'latest.md');

async function emulate(page, net) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: net.latency, downloadThroughput: (net.kbit * 1000) / 8, uploadThroughput: (net.kbit * 1000) / 8,
  });
  return cdp;
}

// One visit in ctx: ms until the sign-in form, then until the map has drawn its tiles; and
// the bytes the page received.
async function visit(ctx, s, net) {
  const page = await ctx.newPage();
  const cdp = await emulate(page, net);
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  const t0 = Date.now();
  await page.goto(`${s.url}/#/login`);
  await page.waitForSelector('form.login input[name=username]', { timeout: 120000 });
  const login = Date.now() - t0;
  await page.fill('form.login input[name=username]', 'viewer');
  await page.fill('form.login input[name=password]', password('viewer'));
  const t1 = Date.now();
  await page.locator('form.login button[type=submit]').click();
  await page.waitForFunction(() => { const m = window.__demine?.map; return m && m.loaded() && m.areTilesLoaded() && !m.isMoving(); },
    null, { timeout: 300000, polling: 100 });
  const map = Date.now() - t1;
  // sign out so the repeat visit signs in again (its cache stays)
  await page.locator('#signout').click();
  await page.waitForSelector('form.login');
  await page.close();
  return { login, map, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const s = await startServer({ webDir: join(ROOT, 'web') });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  const rows = [];
  try {
    for (const net of NETWORKS) {
      const first = [], repeat = [];
      for (let i = 0; i < REPS; i++) {
        const ctx = await browser.newContext({ viewport: { width: 800, height: 1280 }, locale: 'en-GB' });
        first.push(await visit(ctx, s, net));
        repeat.push(await visit(ctx, s, net));
        await ctx.close();
      }
      rows.push({ net, first, repeat });
    }
  } finally {
    await browser.close();
    await s.stop();
  }
  const verdict = (ms, goal) => (goal === undefined ? '' : ms <= goal ? `met (goal ${sec(goal)})` : `missed (goal ${sec(goal)})`);
  const lines = ['<!-- web3g -->', '## The web application on emulated 3G', '',
    `Run ${new Date().toISOString()} by \`node bench/web3g.mjs\` (Chromium network emulation, 800x1280, the demo data, ${REPS} repetition(s), medians; load average at start ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}).`, '',
    '| network | visit | sign-in form | map ready after Sign in | received | goal |', '|---|---|---:|---:|---:|---|'];
  for (const { net, first, repeat } of rows) {
    for (const [kind, list, mapGoal] of [['first', first, net.goals?.mapFirst], ['repeat', repeat, net.goals?.mapRepeat]]) {
      const login = median(list.map((x) => x.login)), map = median(list.map((x) => x.map)), kb = median(list.map((x) => x.bytes)) / 1024;
      lines.push(`| ${net.name} (${net.latency} ms, ${net.kbit} kbit/s) | ${kind} | ${sec(login)} | ${sec(map)} | ${kb.toFixed(0)} kB | ${[kind === 'first' ? verdict(login, net.goals?.login) : '', verdict(map, mapGoal)].filter(Boolean).join('; ')} |`);
    }
  }
  lines.push('<!-- /web3g -->');
  const section = lines.join('\n');
  let md = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '# demine benchmarks: results\n';
  md = /<!-- web3g -->[\s\S]*<!-- \/web3g -->/.test(md) ? md.replace(/<!-- web3g -->[\s\S]*<!-- \/web3g -->/, section) : `${md.trimEnd()}\n\n${section}\n`;
  writeFileSync(OUT, md);
  console.log(section);
}

main().catch((e) => { console.error(e); process.exit(1); });
