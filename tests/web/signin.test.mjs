// Signing in and out, the session's end, one's own password, and the admin's user management.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, finish, newPage, signIn, shot, password } from './helpers.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await finish(env); });

const only401 = (errors) => errors.filter((e) => !/status of 401/.test(e));

test('sign in shows who is signed in; sign out returns to the sign-in page', async () => {
  const page = await newPage(env.browser, env.s);
  await page.goto('/');
  await page.locator('form.login').waitFor();
  assert.equal(page.errors.length, 0, 'a fresh visit makes no failing request');
  await page.getByLabel('User name').fill('operator');
  await page.getByLabel('Password').fill('wrong password');
  await page.locator('form.login button[type=submit]').click();
  await page.getByText('Wrong user name or password.').waitFor();
  await page.getByLabel('Password').fill(password('operator'));
  await page.locator('form.login button[type=submit]').click();
  await page.locator('#signout').waitFor();
  assert.equal(await page.locator('.who-name').textContent(), 'The operator');
  assert.equal(await page.locator('.who-role').textContent(), 'Operator · ANAMA');
  await shot(page, 'signed-in');
  await page.locator('#signout').click();
  await page.locator('form.login').waitFor();
  await page.goto('/#/records/hazard');
  await page.locator('form.login').waitFor();
  assert.deepEqual(only401(page.errors), []);
});

test('when the session ends the next action asks to sign in again', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'viewer');
  await page.context().clearCookies();
  await page.goto('/#/records/hazard');
  await page.getByText('Your session has expired; please sign in again.').waitFor();
  await page.locator('form.login').waitFor();
  await shot(page, 'session-expired');
  assert.deepEqual(only401(page.errors), []);
});

test('a user changes their own password', async () => {
  const page = await newPage(env.browser, env.s);
  await signIn(page, 'donor');
  await page.locator('a.who').click();
  await page.getByLabel('Current password').fill(password('donor'));
  await page.getByLabel('New password', { exact: true }).fill('a fresh grant passphrase');
  await page.getByLabel('Repeat the new password').fill('a fresh grant passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Your password was changed.').waitFor();
  await shot(page, 'password-changed');
  await page.locator('#signout').click();
  await page.getByLabel('User name').fill('donor');
  await page.getByLabel('Password').fill('a fresh grant passphrase');
  await page.locator('form.login button[type=submit]').click();
  await page.locator('#signout').waitFor();
  assert.deepEqual(page.errors, []);
});

test('the admin adds a user, resets the password and disables the user', async () => {
  const admin = await newPage(env.browser, env.s);
  await signIn(admin, 'admin');
  await admin.getByRole('link', { name: 'Users' }).click();
  await admin.getByLabel('User name').fill('aliyev');
  await admin.getByLabel('Full name').fill('Elvin Aliyev');
  await admin.getByLabel('Role').selectOption('operator');
  await admin.getByLabel('Organisation').selectOption({ label: 'Mine Action Agency of the Republic of Azerbaijan' });
  await admin.getByLabel('Password').fill('first passphrase');
  await admin.getByRole('button', { name: 'Add user' }).click();
  const row = admin.locator('tr[data-login="aliyev"]');
  await row.waitFor();
  assert.match(await row.textContent(), /Elvin Aliyev.*Operator.*ANAMA.*active/);
  admin.once('dialog', (d) => d.accept('second passphrase'));
  await row.getByRole('button', { name: 'Reset password' }).click();
  await admin.getByText('Password of aliyev was reset.').waitFor();
  await shot(admin, 'users');

  const user = await newPage(env.browser, env.s);
  await user.goto('/#/login');
  await user.getByLabel('User name').fill('aliyev');
  await user.getByLabel('Password').fill('second passphrase');
  await user.locator('form.login button[type=submit]').click();
  await user.locator('#signout').waitFor();

  admin.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: 'Disable' }).click();
  await admin.locator('tr[data-login="aliyev"]', { hasText: 'disabled' }).waitFor();
  await user.goto('/#/records/hazard');
  await user.locator('form.login').waitFor();
  assert.deepEqual(admin.errors, []);
  assert.deepEqual(only401(user.errors), []);
});
