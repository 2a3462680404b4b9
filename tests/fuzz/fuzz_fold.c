/* fuzz_fold.c: libFuzzer target for dm_fold and dm_utf8_valid (search queries are untrusted). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "demine/fold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *f, *again;
	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = 0; /* a query is a C string: it ends at the first NUL */
	f = dm_fold(in);
	if (f) {
		/* never longer than its input; valid input folds to valid UTF-8; folding is idempotent */
		if (strlen(f) > strlen(in))
			__builtin_trap();
		if (dm_utf8_valid(in) && !dm_utf8_valid(f))
			__builtin_trap();
		again = dm_fold(f);
		if (again && dm_utf8_valid(in) && strcmp(again, f))
			__builtin_trap();
		free(again);
	}
	free(f);
	free(in);
	return 0;
}
