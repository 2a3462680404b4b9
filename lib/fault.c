/* fault.c: the counters of fault injection (fault.h), in the test build only. They are the one
 * mutable global state of the library, and exist only in binaries built for tests. */
#include "fault.h"

#ifdef DM_FAULT_INJECTION
static long armed[DM_FAULT_NKINDS], calls[DM_FAULT_NKINDS];

int dm_fault_hit(enum dm_fault_kind k)
{
	long n;
	if (!__atomic_load_n(&armed[k], __ATOMIC_RELAXED))
		return 0;
	n = __atomic_add_fetch(&calls[k], 1, __ATOMIC_RELAXED);
	return n == __atomic_load_n(&armed[k], __ATOMIC_RELAXED);
}

void dm_fault_arm(enum dm_fault_kind k, long n)
{
	__atomic_store_n(&calls[k], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&armed[k], n, __ATOMIC_RELAXED);
}

long dm_fault_calls(enum dm_fault_kind k)
{
	return __atomic_load_n(&calls[k], __ATOMIC_RELAXED);
}
#else
/* ISO C wants a translation unit to hold something. */
typedef int dm_fault_unused;
#endif
