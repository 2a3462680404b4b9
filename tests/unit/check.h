/* check.h: the unit tests' tiny harness; prints "N passed, N failed" at the end. */
#ifndef DM_CHECK_H
#define DM_CHECK_H
#include <stdio.h>
#include <string.h>
#include <math.h>

static int check_passed, check_failed;

#define CHECK(cond) do { \
	if (cond) check_passed++; \
	else { check_failed++; fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_MSG(cond, ...) do { \
	if (cond) check_passed++; \
	else { check_failed++; fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
	       fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *ca_ = (a), *cb_ = (b); \
	if (ca_ && cb_ && strcmp(ca_, cb_) == 0) check_passed++; \
	else { check_failed++; fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
	       #a, ca_ ? ca_ : "(null)", cb_ ? cb_ : "(null)"); } \
} while (0)

#define CHECK_INT(a, b) do { \
	long long ca_ = (long long)(a), cb_ = (long long)(b); \
	if (ca_ == cb_) check_passed++; \
	else { check_failed++; fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__, \
	       #a, ca_, cb_); } \
} while (0)

#define CHECK_NEAR(a, b, tol) do { \
	double ca_ = (a), cb_ = (b); \
	if (fabs(ca_ - cb_) <= (tol)) check_passed++; \
	else { check_failed++; fprintf(stderr, "%s:%d: %s is %.9g, expected %.9g (tolerance %g)\n", \
	       __FILE__, __LINE__, #a, ca_, cb_, (double)(tol)); } \
} while (0)

/* Where the shared fixtures live (CI keeps them beside the checkout). */
static inline const char *check_fixtures(void)
{
	const char *d = getenv("DEMINE_FIXTURES");
	return d ? d : "../shared/fixtures";
}

static inline int check_report(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, check_passed, check_failed);
	return check_failed ? 1 : 0;
}
#endif
