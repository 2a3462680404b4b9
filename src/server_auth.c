/* server_auth.c: the server's credentials: login and logout (session cookie + CSRF token),
 * bearer tokens (also as the password of HTTP Basic on the GIS paths), the user's own tokens,
 * failed-login limits, /me and the admin's user management. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "demine/auth.h"
#include "demine/tokens.h"
#include "server.h"

static void set_actor(struct req *r)
{
	r->authed = 1;
	r->who.user = r->user.login;
	r->who.role = r->user.role;
	r->who.org_id = r->user.org_id[0] ? r->user.org_id : NULL;
}

/* The password of an "Authorization: Basic" header (the user name is ignored: GIS clients
 * such as QGIS 3.22, GDAL and OWSLib send a token this way) into out; -1 when the header is not
 * base64 of "user:password". An account password is never accepted in its place. */
static int basic_password(const char *b64, char *out, size_t n)
{
	char dec[256];
	const char *colon;
	size_t len = 0;
	if (strlen(b64) >= 340 || sodium_base642bin((unsigned char *)dec, sizeof(dec) - 1, b64, strlen(b64), " ", &len,
						   NULL, sodium_base64_VARIANT_ORIGINAL))
		return -1;
	dec[len] = 0;
	if (strlen(dec) != len || !(colon = strchr(dec, ':')))
		return -1;
	snprintf(out, n, "%s", colon + 1);
	return 0;
}

/* The token secret of an Authorization header into r->token: Bearer anywhere, Basic (token as
 * the password) on the GIS paths. -1 after a 401 when the header is of another kind. */
static int token_of_header(struct req *r, const char *auth, enum MHD_Result *sent)
{
	char pw[200];
	if (!strncasecmp(auth, "Bearer ", 7)) {
		snprintf(r->token, sizeof(r->token), "%s", strlen(auth + 7) == 64 ? auth + 7 : "");
		return 0;
	}
	if (!strncasecmp(auth, "Basic ", 6) && srv_basic_token_path(r->url)) {
		snprintf(r->token, sizeof(r->token), "%s",
			 !basic_password(auth + 6, pw, sizeof(pw)) && strlen(pw) == 64 ? pw : "");
		return 0;
	}
	*sent = srv_error(r, 401, "unauthorized", NULL, srv_basic_token_path(r->url)
			  ? "only Authorization: Bearer TOKEN or HTTP Basic with a token as the password is accepted"
			  : "only Authorization: Bearer TOKEN is accepted");
	return -1;
}

int srv_authenticate(struct req *r, enum MHD_Result *sent)
{
	const char *auth = srv_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "demine_session");
	struct dm_error err;
	char scope[8];
	int rc;
	dm_error_init(&err);
	if (auth) {
		if (token_of_header(r, auth, sent))
			return -1;
		rc = r->token[0] ? dm_token_lookup(r->db, r->token, &r->user, scope, &err) : DM_ENOTFOUND;
		dm_error_release(&err);
		if (rc && strncasecmp(auth, "Basic ", 6)) {
			r->token[0] = 0;
			*sent = srv_error(r, 401, "invalid_token", NULL, "the bearer token is unknown, expired or revoked");
			return -1;
		}
		if (rc) {
			r->token[0] = 0;
			*sent = srv_error(r, 401, "unauthorized", NULL, "the password of HTTP Basic must be a live API token"
					  " (make one on the Account page); account passwords are not accepted here");
			return -1;
		}
		r->read_only = !strcmp(scope, "read");
		set_actor(r);
		return 0;
	}
	if (cookie && strlen(cookie) == 64 && !dm_session_lookup(r->db, cookie, "session", &r->user, r->csrf, &err)) {
		snprintf(r->token, sizeof(r->token), "%s", cookie);
		r->via_cookie = 1;
		set_actor(r);
	}
	dm_error_release(&err);
	return 0;
}

/* Password attempts are throttled per user and client address (the key an attacker cannot
 * share with the real user), per user (slowing a guess from many addresses without locking
 * the user out for long) and per address (one client trying many users, with room for an
 * office behind one address). Each counts an attempt before the password is checked. */
static const struct login_limit {
	const char *kind;
	struct dm_throttle t;
} login_limits[] = {
	{ "pair", { SRV_LOGIN_MAX, 30, 900, SRV_LOGIN_WINDOW } },
	{ "user", { 4 * SRV_LOGIN_MAX, 5, 60, SRV_LOGIN_WINDOW } },
	{ "addr", { 20 * SRV_LOGIN_MAX, 30, 900, SRV_LOGIN_WINDOW } },
};

static void limit_key(const struct req *r, const char *kind, const char *login, char *key, size_t n)
{
	if (!strcmp(kind, "pair"))
		snprintf(key, n, "pair:%s %s", login, r->addr);
	else if (!strcmp(kind, "user"))
		snprintf(key, n, "user:%s", login);
	else
		snprintf(key, n, "addr:%s", r->addr);
}

/* 429 with Retry-After when one of the limits says wait; -1 after answering. */
static int throttle(struct req *r, const char *login, enum MHD_Result *sent)
{
	char key[160], ra[32];
	int64_t retry = 0;
	struct dm_error err;
	struct srv_hdr hdr[2] = { { "Retry-After", ra }, { NULL, NULL } };
	size_t i;
	int rc = 0;
	dm_error_init(&err);
	for (i = 0; !rc && i < sizeof(login_limits) / sizeof(login_limits[0]); i++) {
		limit_key(r, login_limits[i].kind, login, key, sizeof(key));
		rc = dm_login_attempt(r->db, key, &login_limits[i].t, &retry, &err);
	}
	if (rc && rc != DM_ELIMIT) {
		*sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return -1;
	}
	dm_error_release(&err);
	if (!rc)
		return 0;
	snprintf(ra, sizeof(ra), "%lld", (long long)retry);
	*sent = srv_json_h(r, 429, json_pack("{s:{s:s, s:s, s:n, s:[]}}", "error", "code", "too_many_attempts",
					     "message", "too many failed logins; try again later", "field", "details"),
			   NULL, hdr);
	return -1;
}

/* Checks username/password of body with the login limits; 0 with r->user, else -1 answered. */
static int check_password(struct req *r, json_t *body, enum MHD_Result *sent)
{
	const char *login = json_string_value(json_object_get(body, "username"));
	const char *pw = json_string_value(json_object_get(body, "password"));
	char key[160];
	struct dm_error err;
	size_t i;
	if (!login || !pw) {
		*sent = srv_error(r, 422, "invalid", !login ? "username" : "password",
				  "username and password must be strings");
		return -1;
	}
	if (strlen(login) > 64)
		login = "(too long)"; /* no such login: throttled under one key, verified to fail */
	if (throttle(r, login, sent))
		return -1;
	dm_error_init(&err);
	if (dm_user_verify(r->db, login, pw, &r->user, &err)) {
		if (err.code == DM_EPERM)
			*sent = srv_error(r, 401, "bad_credentials", NULL, "wrong user name or password");
		else
			*sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return -1;
	}
	/* the attempt counted under the user's keys is forgotten; the address keeps its count */
	for (i = 0; i < 2; i++) {
		limit_key(r, login_limits[i].kind, login, key, sizeof(key));
		dm_login_reset(r->db, key, &err);
	}
	dm_error_release(&err);
	set_actor(r);
	return 0;
}

int srv_password_check(struct req *r, const char *login, const char *password, enum MHD_Result *sent)
{
	json_t *body = json_pack("{s:s, s:s}", "username", login, "password", password);
	int rc;
	if (!body) {
		*sent = srv_error(r, 401, "bad_credentials", NULL, "the user name or password is not valid UTF-8");
		return -1;
	}
	rc = check_password(r, body, sent);
	json_decref(body);
	return rc;
}

enum MHD_Result srv_login(struct req *r)
{
	json_t *body;
	enum MHD_Result sent;
	char token[65], csrf[65], exp[32], cookie[160];
	struct dm_error err;
	struct srv_hdr hdr[2] = { { "Set-Cookie", cookie }, { NULL, NULL } };
	if (srv_body_object(r, &body, &sent))
		return sent;
	r->authed = r->via_cookie = 0;
	if (check_password(r, body, &sent)) {
		json_decref(body);
		return sent;
	}
	/* ODK Collect on the same account then logs in with Digest (OpenRosa paths only) */
	srv_openrosa_keep_digest(r, r->user.login, json_string_value(json_object_get(body, "password")));
	json_decref(body);
	dm_error_init(&err);
	if (dm_session_create(r->db, &r->user, "session", SRV_SESSION_TTL, token, csrf, exp, &err)) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	snprintf(cookie, sizeof(cookie), "demine_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s", token,
		 SRV_SESSION_TTL, r->https ? "; Secure" : "");
	return srv_json_h(r, 200, json_pack("{s:o, s:s, s:s}", "user", dm_user_to_json(&r->user), "csrf_token", csrf,
					    "expires_at", exp), NULL, hdr);
}

static enum MHD_Result revoke_current(struct req *r, const char *cookie)
{
	struct dm_error err;
	enum MHD_Result sent;
	struct srv_hdr hdr[2] = { { "Set-Cookie", cookie }, { NULL, NULL } };
	dm_error_init(&err);
	if (dm_session_revoke(r->db, r->token, &err)) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json_h(r, 200, json_pack("{s:b}", "revoked", 1), NULL, cookie ? hdr : NULL);
}

enum MHD_Result srv_logout(struct req *r)
{
	return revoke_current(r, r->https ? "demine_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure"
					  : "demine_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
}

enum MHD_Result srv_token_revoke(struct req *r)
{
	if (r->via_cookie)
		return srv_error(r, 400, "bad_request", NULL, "this request did not come with a bearer token");
	return revoke_current(r, NULL);
}

/* The caller; a session (the cookie) also gets its CSRF token, so that a second tab of the
 * same browser can write: it shares the cookie but not the first tab's memory. */
enum MHD_Result srv_me(struct req *r)
{
	if (r->via_cookie && r->csrf[0])
		return srv_json(r, 200, json_pack("{s:o, s:s}", "user", dm_user_to_json(&r->user), "csrf_token", r->csrf));
	return srv_json(r, 200, json_pack("{s:o}", "user", dm_user_to_json(&r->user)));
}

/* PATCH /api/v1/me {"language": "az"|"en"|"ru"|null}: the language of the caller's answers. */
enum MHD_Result srv_me_patch(struct req *r)
{
	json_t *body, *lang;
	struct dm_error err;
	enum MHD_Result sent;
	int rc;
	if (srv_body_object(r, &body, &sent))
		return sent;
	lang = json_object_get(body, "language");
	if (!lang || !(json_is_string(lang) || json_is_null(lang))) {
		json_decref(body);
		return srv_error(r, 422, "invalid", "language", "language must be az, en, ru or null");
	}
	dm_error_init(&err);
	rc = dm_user_set_language(r->db, r->user.login, json_is_null(lang) ? "" : json_string_value(lang), &err);
	if (!rc)
		snprintf(r->user.language, sizeof(r->user.language), "%s", json_is_null(lang) ? "" : json_string_value(lang));
	json_decref(body);
	sent = rc ? srv_dm_error(r, &err) : srv_me(r);
	dm_error_release(&err);
	return sent;
}

/* A token is made from a password, or from a signed-in session (with its CSRF token); never
 * from another token, or revoking and expiring tokens would mean nothing. */
/* The optional name, scope and expires_in_days of a new token (422 naming the member when one
 * has the wrong type); -1 after answering. */
static int token_options(struct req *r, json_t *body, const char **name, const char **scope, int64_t *days,
			 enum MHD_Result *sent)
{
	json_t *n = json_object_get(body, "name"), *s = json_object_get(body, "scope");
	json_t *d = json_object_get(body, "expires_in_days");
	const char *bad = (n && !json_is_string(n) && !json_is_null(n)) ? "name"
			  : (s && !json_is_string(s) && !json_is_null(s)) ? "scope"
			  : (d && !json_is_integer(d) && !json_is_null(d)) ? "expires_in_days" : NULL;
	if (bad) {
		*sent = srv_error(r, 422, "invalid", bad, "%s must be a %s", bad,
				  strcmp(bad, "expires_in_days") ? "string" : "whole number of days");
		return -1;
	}
	*name = json_string_value(n);
	*scope = json_string_value(s);
	*days = json_is_integer(d) ? json_integer_value(d) : SRV_TOKEN_TTL / 86400;
	return 0;
}

enum MHD_Result srv_token_create(struct req *r)
{
	json_t *body = NULL;
	enum MHD_Result sent;
	char token[65];
	const char *name = NULL, *scope = NULL;
	int64_t days = SRV_TOKEN_TTL / 86400;
	struct dm_token t;
	struct dm_error err;
	int with_password = 0;
	if (r->body.len || r->body_nul || !r->authed) {
		if (srv_body_object(r, &body, &sent))
			return sent;
		with_password = json_object_get(body, "username") || json_object_get(body, "password") || !r->authed;
		if (with_password) {
			r->authed = r->via_cookie = 0;
			if (check_password(r, body, &sent)) {
				json_decref(body);
				return sent;
			}
		}
	}
	/* a token never makes another one, whether it came as Bearer or as the password of Basic */
	if (!with_password && !r->via_cookie) {
		json_decref(body);
		return srv_error(r, 403, "forbidden", NULL,
				 "a new token needs a password (username and password) or a signed-in session, not a token");
	}
	if ((!with_password && srv_check_csrf(r, &sent)) || /* a token made from the session */
	    (body && token_options(r, body, &name, &scope, &days, &sent))) {
		json_decref(body);
		return sent;
	}
	dm_error_init(&err);
	if (dm_token_create(r->db, &r->user, name, scope, days, token, &t, &err)) {
		json_decref(body);
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	json_decref(body);
	return srv_json(r, 201, json_pack("{s:s, s:s, s:s?, s:s, s:s}", "token", token, "id", t.id, "name",
					  t.name[0] ? t.name : NULL, "scope", t.scope, "expires_at", t.expires_at));
}

struct token_list {
	json_t *items;
	char current[17];
};

static int add_token_json(const struct dm_token *t, void *arg)
{
	struct token_list *l = arg;
	json_t *o = dm_token_to_json(t);
	if (!o)
		return DM_ENOMEM;
	json_object_set_new(o, "current", json_boolean(!strcmp(t->id, l->current)));
	return json_array_append_new(l->items, o) ? DM_ENOMEM : 0;
}

/* The caller's own live tokens (never their secrets); "current" marks the one of the request. */
enum MHD_Result srv_tokens_list(struct req *r)
{
	struct token_list l = { json_array(), "" };
	struct dm_error err;
	enum MHD_Result sent;
	if (r->token[0] && !r->via_cookie)
		dm_token_id(r->token, l.current);
	dm_error_init(&err);
	if (!l.items || dm_token_list(r->db, r->user.id, add_token_json, &l, &err)) {
		json_decref(l.items);
		if (!err.code)
			dm_error_set(&err, DM_ENOMEM, NULL, "out of memory");
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json(r, 200, json_pack("{s:o}", "items", l.items));
}

/* Users revoke their own tokens by id (another user's id is as unknown as a made-up one). */
enum MHD_Result srv_token_revoke_id(struct req *r)
{
	struct dm_error err;
	enum MHD_Result sent;
	dm_error_init(&err);
	if (dm_token_revoke_id(r->db, r->user.id, r->param[0], &err)) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json(r, 200, json_pack("{s:s, s:b}", "id", r->param[0], "revoked", 1));
}

/* ---- user management ---- */

static int may_manage(struct req *r, enum MHD_Result *sent)
{
	if (dm_actor_can(&r->who, DM_P_USERS))
		return 0;
	*sent = srv_error(r, 403, "forbidden", NULL, "role %s may not manage users", r->who.role);
	return -1;
}

static int add_user_json(const struct dm_user *u, void *arg)
{
	json_array_append_new(arg, dm_user_to_json(u));
	return 0;
}

enum MHD_Result srv_users_list(struct req *r)
{
	enum MHD_Result sent;
	struct dm_error err;
	json_t *items;
	if (may_manage(r, &sent))
		return sent;
	items = json_array();
	dm_error_init(&err);
	if (dm_user_list(r->db, add_user_json, items, &err)) {
		json_decref(items);
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json(r, 200, json_pack("{s:o}", "items", items));
}

/* The string member name of o, or NULL; sets *bad when present but not a string. */
static const char *str_member(json_t *o, const char *name, const char **bad)
{
	json_t *v = json_object_get(o, name);
	if (v && !json_is_string(v) && !json_is_null(v))
		*bad = name;
	return json_string_value(v);
}

enum MHD_Result srv_users_add(struct req *r)
{
	enum MHD_Result sent;
	struct dm_error err;
	struct dm_user u;
	json_t *b;
	const char *bad = NULL, *login, *pw, *role, *org, *full;
	if (may_manage(r, &sent) || srv_body_object(r, &b, &sent))
		return sent;
	login = str_member(b, "login", &bad);
	pw = str_member(b, "password", &bad);
	role = str_member(b, "role", &bad);
	org = str_member(b, "org_id", &bad);
	full = str_member(b, "full_name", &bad);
	dm_error_init(&err);
	if (bad)
		dm_error_set(&err, DM_EINVAL, bad, "%s must be a string", bad);
	if (!err.code)
		dm_user_add(r->db, login, role, org, full, pw, 0, &err);
	if (!err.code)
		dm_user_get(r->db, login, &u, &err);
	json_decref(b);
	if (err.code) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json(r, 201, json_pack("{s:o}", "user", dm_user_to_json(&u)));
}

enum MHD_Result srv_user_disable(struct req *r)
{
	enum MHD_Result sent;
	struct dm_error err;
	if (may_manage(r, &sent))
		return sent;
	dm_error_init(&err);
	if (dm_user_disable(r->db, r->param[0], &err)) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json(r, 200, json_pack("{s:s, s:b}", "login", r->param[0], "disabled", 1));
}

/* An admin resets anyone's password; everyone changes their own with the old one. */
enum MHD_Result srv_user_password(struct req *r)
{
	enum MHD_Result sent;
	struct dm_error err;
	struct dm_user me;
	json_t *b;
	const char *bad = NULL, *pw, *old;
	int self = !strcmp(r->param[0], r->user.login), admin = dm_actor_can(&r->who, DM_P_USERS);
	if (!self && !admin)
		return srv_error(r, 403, "forbidden", NULL, "only an admin may set another user's password");
	if (srv_body_object(r, &b, &sent))
		return sent;
	pw = str_member(b, "password", &bad);
	old = str_member(b, "old_password", &bad);
	dm_error_init(&err);
	if (bad || !pw)
		dm_error_set(&err, DM_EINVAL, bad ? bad : "password", "%s must be a string", bad ? bad : "password");
	else if (!admin && (!old || dm_user_verify(r->db, r->user.login, old, &me, &err)))
		dm_error_set(&err, DM_EPERM, "old_password", "the old password is wrong or missing");
	/* users changing their own password stay signed in here; everything else is revoked */
	if (!err.code)
		dm_user_set_password(r->db, r->param[0], pw, self ? r->token : NULL, &err);
	json_decref(b);
	if (err.code) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json(r, 200, json_pack("{s:s, s:b}", "login", r->param[0], "changed", 1));
}
