// A draft sent once (issue 25 part 5): when the answer to Create draft is lost on the way back
// (the network cut after the server wrote), pressing it again sends the same Idempotency-Key
// and body, and the server answers as the first time: one record, not two.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, finish, newPage, signIn, ready, mapIdle, exported } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const named = (name) => exported(env.s, 'hazard').features.filter((f) => f.properties.name === name);

test('Create draft pressed again after a lost answer creates the hazard once', async () => {
  const name = `Send once ${Date.now()}`;
  const op = await newPage(env.browser, env.s);
  await signIn(op, 'operator');
  await op.goto('/#/new/hazard');
  await ready(op);
  await mapIdle(op, 'mini');
  await op.locator('input[name="name"]').fill(name);
  await op.locator('select[name="category"]').selectOption('sha');
  await op.locator('select[name="hazard_type"]').selectOption('minefield');
  await op.locator('select[name="land_status"]').selectOption('open');
  await op.locator('#draw').click();
  const box = await op.locator('.minimap canvas').boundingBox();
  for (const [fx, fy] of [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6]]) await op.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
  // the first POST reaches the server, its answer never reaches the page
  const keys = [];
  let lose = true;
  await op.route('**/api/v1/hazard', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    if (!lose) return route.continue();
    lose = false;
    await route.fetch();
    await route.abort('internetdisconnected');
  });
  await op.locator('#save').click();
  await op.locator('#form-offline').waitFor();
  assert.equal(named(name).length, 1, 'the server wrote it');
  await op.locator('#save').click();
  await op.waitForFunction(() => location.hash.startsWith('#/record/hazard/'));
  assert.equal(keys.length, 2);
  assert.ok(keys[0] && keys[0] === keys[1], `one key for the same draft: ${keys}`);
  assert.equal(named(name).length, 1, 'still one record');
  await op.context().close();
});
