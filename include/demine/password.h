/* password.h: the password rule for accounts: long enough, and not a common password, the
 * login, a keyboard walk or a run of one character dressed up with digits and symbols. */
#ifndef DEMINE_PASSWORD_H
#define DEMINE_PASSWORD_H
#include "demine/error.h"

#define DM_PASSWORD_MIN_CHARS 12  /* characters (code points), not bytes */
#define DM_PASSWORD_MAX_BYTES 1024

/* 0 when password may be set for login; else DM_EINVAL on field "password" saying why
 * ("password is too short: 8 characters, at least 12", "password is a common password
 * ('password') with digits or symbols around it", ...). */
int dm_password_check(const char *login, const char *password, struct dm_error *err);

#endif
