// WCAG 2.1 AA with axe-core (issue 25 part 4): every page in en, az and ru has no critical or
// serious violation, and an approval can be done with the keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, finish, newPage, signIn, ready, mapIdle, password } from './helpers.mjs';
import { ROOT } from './server.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

// Every page the admin is offered, with the record, form and review pages and a dashboard table view.
const PAGES = ['map', 'records/hazard', 'records/land_release', 'record/hazard/HAZ-AGD-00002', 'new/hazard', 'new/land_release',
  'inbox', 'review/hazard/HAZ-FZL-00007', 'dashboard', 'reports', 'account', 'users', 'forms'];

// The critical and serious violations on the page as it is now, one line each.
export async function axeProblems(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  return r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious' || v.id === 'page-has-heading-one')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const lang of ['en', 'az', 'ru']) {
  test(`axe-core: no critical or serious problem on any page in ${lang}`, async () => {
    const page = await newPage(env.browser, env.s, { lang });
    await page.goto('/#/login');
    await ready(page);
    const found = [];
    const check = async (p) => { for (const line of await axeProblems(page)) found.push(`#/${p}: ${line}`); };
    await check('login');
    // signed in through the form in the page's language (the shared helper's labels are English-first)
    await page.fill('form.login input[name=username]', 'admin');
    await page.fill('form.login input[name=password]', password('admin'));
    await page.locator('form.login button[type=submit]').click();
    await page.waitForSelector('#signout');
    for (const p of PAGES) {
      await page.goto(`/#/${p}`);
      await ready(page);
      if (p === 'map') await mapIdle(page);
      await check(p);
      if (p === 'dashboard') {
        // the table view of each chart is a page state of its own
        const toggles = page.locator('.chart-card header button');
        for (let i = 0; i < await toggles.count(); i++) await toggles.nth(i).click();
        await check('dashboard (tables)');
      }
    }
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
    assert.deepEqual(found, []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('keyboard only: the dashboard table views are reachable and scroll by keyboard', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'im_officer');
  await page.goto('/#/dashboard');
  await ready(page);
  const toggle = page.locator('.chart-card header button').first();
  await toggle.focus();
  await page.keyboard.press('Enter');
  const table = page.locator('.chart-card .table-view').first();
  await table.waitFor();
  // past the chart's CSV button, the table view itself takes the focus (arrow keys scroll it)
  await tabTo(page, () => document.activeElement.classList.contains('table-view'), 2);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('role')), 'region');
  await page.context().close();
});

// Presses Tab until the focused element matches the test (at most `max` times); returns its text.
async function tabTo(page, test, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(test);
    if (hit) return hit;
  }
  throw new Error('not reached by Tab');
}

test('keyboard only: an IM officer signs in, opens the inbox and approves a submission', async () => {
  const page = await newPage(env.browser, env.s);
  await page.goto('/#/login');
  await ready(page);
  // the user name field has the focus when the sign-in page opens
  await page.keyboard.type('im_officer');
  await page.keyboard.press('Tab');
  await page.keyboard.type(password('im_officer'));
  await page.keyboard.press('Enter');
  await page.waitForSelector('#signout');
  await ready(page);
  await tabTo(page, () => document.activeElement.getAttribute('href') === '#/inbox');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/inbox');
  await ready(page);
  const code = await tabTo(page, () => document.activeElement.closest('#inbox tr[data-code]')?.dataset.code);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.startsWith('#/review/'));
  await ready(page);
  const [, type, id] = (await page.evaluate(() => location.hash)).match(/^#\/review\/([^/]+)\/(.+)$/);
  await tabTo(page, () => document.activeElement.id === 'approve');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/inbox');
  await ready(page);
  assert.equal(await page.locator(`#inbox tr[data-code="${code}"]`).count(), 0, `${code} left the inbox`);
  const status = await page.evaluate(async (p) => (await (await fetch(p)).json()).status, `/api/v1/${type}/${id}`);
  assert.equal(status, 'approved', `${code} is approved`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
