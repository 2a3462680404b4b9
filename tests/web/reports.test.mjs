// The Reports page: choose a report and its period, read its print view (the same figures the
// API's model has, which tests/unit/test_report.c checks against SQL), download the PDF and a
// table's CSV, the donor report's grant, and a refused parameter shown beside its field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { start, finish, newPage, signIn, shot, ready } from './helpers.mjs';
import { api } from '../api/helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

test('the national report: its parameters, the print view, PDF and CSV downloads', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'im_officer');
  await page.getByRole('link', { name: 'Reports' }).click();
  await ready(page);
  await page.getByLabel('Report', { exact: true }).selectOption('national');
  assert.equal(await page.getByLabel('Grant', { exact: true }).isVisible(), false, 'no grant to choose for the national report');
  await page.getByLabel('From', { exact: true }).fill('2021-01-01');
  await page.getByLabel('To', { exact: true }).fill('2026-12-31');
  await page.getByLabel('Language of the report').selectOption('az');
  await page.getByRole('button', { name: 'Show the report' }).click();
  await page.locator('article.report h1').waitFor();
  await ready(page);
  assert.match(await page.locator('article.report h1').textContent(), /Minatəmizləmə/);
  await shot(page, 'reports', { fullPage: true });

  // the print view shows the model's figures
  const model = (await api(env.s, 'im_officer', 'GET', '/api/v1/reports/national?from=2021-01-01&to=2026-12-31&lang=az')).json;
  const items = model.sections.find((s) => s.key === 'items');
  const shown = await page.locator('#table-items tbody tr').evaluateAll((trs) => trs.map((tr) =>
    Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.key, td.dataset.value]))));
  assert.equal(shown.length, items.rows.length);
  shown.forEach((r, i) => assert.equal(Number(r.quantity), items.rows[i].quantity));
  const released = model.sections.find((s) => s.key === 'summary_area').rows[0].current;
  const cell = await page.locator('#table-summary_area tbody tr').first().locator('td').nth(1).getAttribute('data-value');
  assert.ok(Math.abs(Number(cell) - released) < 0.001);

  // the map of the period's releases, drawn from the model's paths
  const mapSec = model.sections.find((x) => x.key === 'map');
  assert.equal(await page.locator('#report-map svg g[data-layer="districts"] path').count(), mapSec.map.layers[0].paths.length);
  assert.ok(await page.locator('#report-map svg g[data-layer="cleared"] path').count() > 0);
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('a.download-pdf').click()]);
  assert.match(pdf.suggestedFilename(), /^national-2021-01-01-2026-12-31\.pdf$/);
  assert.equal(readFileSync(await pdf.path()).subarray(0, 5).toString(), '%PDF-');
  const [csv] = await Promise.all([page.waitForEvent('download'),
    page.locator('#report-items a.csv-link').click()]);
  const lines = readFileSync(await csv.path(), 'utf8').trimEnd().split('\r\n');
  assert.equal(lines.length, items.rows.length + 1);
  assert.equal(lines[0].split(',')[0], 'Kateqoriya');
  assert.deepEqual(page.errors, []);
});

test('the donor report asks for a grant; a refused parameter is shown beside its field', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'im_officer');
  await page.goto('/#/reports');
  await ready(page);
  await page.getByLabel('Report', { exact: true }).selectOption('donor');
  await page.getByLabel('Grant', { exact: true }).selectOption('GRT-00001');
  await page.getByLabel('From', { exact: true }).fill('2021-01-01');
  await page.getByLabel('To', { exact: true }).fill('2026-12-31');
  await page.getByRole('button', { name: 'Show the report' }).click();
  await page.locator('#table-grant').waitFor();
  const amounts = await page.locator('#table-grant tbody td[data-key="amount"]').allTextContents();
  assert.deepEqual(amounts, ['400000.00', '803272.00']);
  await shot(page, 'reports-donor', { fullPage: true });

  // a period over 20 years: the error names "to" and is shown beside it
  await page.goto('/#/reports?report=national&from=2000-01-01&to=2024-12-31');
  await page.locator('#report-error').waitFor();
  assert.match(await page.locator('#report-error').textContent(), /over 20 years/);
  assert.equal(await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid'), 'true');
  // an empty period says so
  await page.goto('/#/reports?report=national&from=1995-01-01&to=1995-12-31');
  await page.locator('#empty-period').waitFor();
  assert.deepEqual(page.errors.filter((e) => !/status of 422/.test(e)), []);
});
