/* server_openrosa_auth.c: credentials on the OpenRosa paths only: HTTP Digest (what ODK Collect
 * offers over plain HTTP) and Basic with the users' own passwords, a Bearer token, or a device
 * key in the path (/key/TOKEN/..., set up on a tablet by a QR code). Never the session cookie. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/md5.h>
#include <sodium.h>
#include "demine/store.h"
#include "demine/tokens.h"
#include "server.h"

#define REALM "demine"
#define NONCE_TIMEOUT 300

static void set_actor(struct req *r)
{
	r->authed = 1;
	r->who.user = r->user.login;
	r->who.role = r->user.role;
	r->who.org_id = r->user.org_id[0] ? r->user.org_id : NULL;
}

/* HA1 = MD5(login:realm:password), what Digest checks against; kept from the last password
 * login on an OpenRosa path, since the password itself is stored only as an Argon2id hash.
 * It opens the OpenRosa paths like the password does, so it holds only while that password is
 * the user's (a new password, or a disabled account, ends it). */
static void ha1_of(const char *login, const char *password, unsigned char out[MD5_DIGEST_SIZE])
{
	struct md5_ctx c;
	md5_init(&c);
	md5_update(&c, strlen(login), (const uint8_t *)login);
	md5_update(&c, 1, (const uint8_t *)":");
	md5_update(&c, strlen(REALM), (const uint8_t *)REALM);
	md5_update(&c, 1, (const uint8_t *)":");
	md5_update(&c, strlen(password), (const uint8_t *)password);
	md5_digest(&c, MD5_DIGEST_SIZE, out);
}

void srv_openrosa_keep_digest(struct req *r, const char *login, const char *password)
{
	unsigned char h[MD5_DIGEST_SIZE];
	char hex[2 * MD5_DIGEST_SIZE + 1];
	struct dm_stmt *s = NULL;
	struct dm_error err;
	ha1_of(login, password, h);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	dm_error_init(&err);
	/* with the password hash the password was just checked against */
	if (!dm_stmt_prepare(dm_db_store(r->db), "INSERT INTO openrosa_digest (login, ha1, pw_hash) SELECT login, ?,"
			     " pw_hash FROM users WHERE login = ? ON CONFLICT (login) DO UPDATE SET ha1 = excluded.ha1,"
			     " pw_hash = excluded.pw_hash", &s, &err)) {
		dm_stmt_bind_text(s, 1, hex);
		dm_stmt_bind_text(s, 2, login);
		dm_stmt_step(s, &err);
		dm_stmt_finalize(s);
	}
	dm_error_release(&err);
}

static int load_ha1(struct req *r, const char *login, unsigned char out[MD5_DIGEST_SIZE])
{
	struct dm_stmt *s = NULL;
	struct dm_error err;
	size_t n = 0;
	int rc = -1;
	dm_error_init(&err);
	/* only while the password is the one HA1 was made from, and the account is enabled */
	if (!dm_stmt_prepare(dm_db_store(r->db), "SELECT d.ha1 FROM openrosa_digest d JOIN users u ON u.login = d.login"
			     " WHERE d.login = ? AND d.pw_hash = u.pw_hash AND u.disabled = 0", &s, &err)) {
		dm_stmt_bind_text(s, 1, login);
		if (dm_stmt_step(s, &err) == 1 &&
		    !sodium_hex2bin(out, MD5_DIGEST_SIZE, dm_stmt_column_text(s, 0), 32, NULL, &n, NULL) &&
		    n == MD5_DIGEST_SIZE)
			rc = 0;
		dm_stmt_finalize(s);
	}
	dm_error_release(&err);
	return rc;
}

static enum MHD_Result challenge(struct req *r, const char *why, int stale)
{
	char body[600];
	struct MHD_Response *resp;
	enum MHD_Result ret;
	snprintf(body, sizeof(body), "<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\"><message"
				     " nature=\"error\">%s</message></OpenRosaResponse>", why);
	resp = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "text/xml; charset=utf-8");
	MHD_add_response_header(resp, "X-OpenRosa-Version", "1.0");
	MHD_add_response_header(resp, "WWW-Authenticate", "Basic realm=\"" REALM "\", charset=\"UTF-8\"");
	r->status = 401;
	ret = MHD_queue_auth_fail_response2(r->conn, REALM, "demine-openrosa", resp, stale ? MHD_YES : MHD_NO,
					    MHD_DIGEST_ALG_MD5);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result srv_openrosa_challenge(struct req *r, const char *why)
{
	return challenge(r, why, 0);
}

static int user_of(struct req *r, const char *login)
{
	struct dm_error err;
	int rc;
	dm_error_init(&err);
	rc = dm_user_get(r->db, login, &r->user, &err);
	dm_error_release(&err);
	if (rc || r->user.disabled)
		return -1;
	set_actor(r);
	return 0;
}

static int digest(struct req *r, enum MHD_Result *sent)
{
	char *login = MHD_digest_auth_get_username(r->conn);
	unsigned char h[MD5_DIGEST_SIZE];
	int ok;
	if (!login || strlen(login) > 64 || load_ha1(r, login, h)) {
		/* no HA1 yet: the user logs in once with Basic (or the web app) on this server */
		*sent = srv_openrosa_challenge(r, "unknown user for Digest (log in once with the password over"
						  " Basic or use a device key)");
		MHD_free(login);
		return -1;
	}
	ok = MHD_digest_auth_check_digest2(r->conn, REALM, login, h, sizeof(h), NONCE_TIMEOUT, MHD_DIGEST_ALG_MD5);
	if (ok != MHD_YES || user_of(r, login)) {
		/* a nonce is good for one method and path (libmicrohttpd 0.9.75): a client answers a stale
		 * one by trying again with the new nonce, as OkHttp in ODK Collect does */
		*sent = ok == MHD_INVALID_NONCE ? challenge(r, "stale nonce: answer the new challenge", 1)
						: challenge(r, "wrong user name or password", 0);
		MHD_free(login);
		return -1;
	}
	snprintf(r->user.login, sizeof(r->user.login), "%s", login);
	MHD_free(login);
	return 0;
}

static int basic(struct req *r, enum MHD_Result *sent)
{
	char *pw = NULL, *login = MHD_basic_auth_get_username_password(r->conn, &pw);
	int rc = -1;
	if (!login || !pw)
		*sent = srv_openrosa_challenge(r, "malformed Basic credentials");
	else if (!(rc = srv_password_check(r, login, pw, sent)))
		srv_openrosa_keep_digest(r, login, pw);
	if (pw)
		sodium_memzero(pw, strlen(pw));
	MHD_free(login);
	MHD_free(pw);
	return rc;
}

static int token(struct req *r, const char *t, enum MHD_Result *sent)
{
	struct dm_error err;
	char scope[8] = "";
	int rc;
	dm_error_init(&err);
	snprintf(r->token, sizeof(r->token), "%s", t);
	rc = strlen(t) == 64 ? dm_token_lookup(r->db, r->token, &r->user, scope, &err) : DM_ENOTFOUND;
	dm_error_release(&err);
	if (!rc && strcmp(scope, "full") && strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		r->token[0] = 0;
		*sent = srv_error(r, 403, "read_only_token", NULL, "a read-only token cannot send submissions: make a"
				  " device key on the Forms page");
		return -1;
	}
	if (rc) {
		r->token[0] = 0;
		*sent = srv_error(r, 401, "invalid_token", NULL, "the device key or bearer token is unknown, expired or"
				  " revoked: set the tablet up again with a new QR code");
		return -1;
	}
	set_actor(r);
	return 0;
}

int srv_openrosa_authenticate(struct req *r, enum MHD_Result *sent)
{
	const char *auth = srv_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	if (r->nseg >= 2 && !strcmp(r->seg[0], "key")) {
		r->via_key = 1;
		return token(r, r->seg[1], sent);
	}
	if (auth && !strncasecmp(auth, "Bearer ", 7))
		return token(r, auth + 7, sent);
	if (auth && !strncasecmp(auth, "Basic ", 6))
		return basic(r, sent);
	if (auth && !strncasecmp(auth, "Digest ", 7))
		return digest(r, sent);
	*sent = srv_openrosa_challenge(r, "log in: Digest or Basic with your demine user name and password");
	return -1;
}
