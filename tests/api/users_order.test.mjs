// users_order.test.mjs: the user list is in byte order of the login on either store (PostgreSQL
// databases of the tests sort text by an ICU en-US collation unless told otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from './helpers.mjs';

test('GET /api/v1/users lists logins in byte order', async () => {
  const s = await startServer();
  try {
    // Upper case before lower case and '-' '.' before letters in byte order; en-US puts
    // 'alpha' before 'Zed' and ignores case at first.
    for (const [i, login] of ['Zed', 'alpha', 'a.b', 'a-b', 'A9', 'b'].entries()) {
      const r = await api(s, 'admin', 'POST', '/api/v1/users', { body: { login, password: `viewer key number ${i}`, role: 'viewer' } });
      assert.equal(r.status, 201, `${login}: ${r.text}`);
    }
    const r = await api(s, 'admin', 'GET', '/api/v1/users');
    assert.equal(r.status, 200);
    const logins = r.json.items.map((u) => u.login);
    const bytes = [...logins].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(logins, bytes);
    assert.ok(logins.indexOf('Zed') < logins.indexOf('alpha'));
  } finally {
    await s.stop();
  }
});
