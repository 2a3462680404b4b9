/* fuzz_rates.c: libFuzzer target feeding bytes to the rate-file readers (CBAR XML, ECB CSV). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "demine/rates.h"

static int check_rate(const struct dm_rate *r, void *arg)
{
	char buf[DM_DECIMAL_BUF];
	(void)arg;
	/* every delivered rate is positive, dated, and formats */
	if (r->rate.mantissa <= 0 || r->rate.scale < 0 || r->rate.scale > DM_DECIMAL_MAX_SCALE ||
	    strlen(r->date) != 10 || !dm_currency_valid(r->from) || !dm_currency_valid(r->to) ||
	    dm_decimal_format(&r->rate, buf, sizeof(buf)) != 0)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dm_rates_info info;
	struct dm_error err;
	dm_error_init(&err);
	if (dm_rates_read_buffer((const char *)data, size, check_rate, NULL, &info, &err) == 0 && err.code)
		__builtin_trap();
	dm_error_release(&err);
	return 0;
}
