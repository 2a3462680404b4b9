/* fault.h: fault injection for the test build (compiled with -DDM_FAULT_INJECTION, as the
 * ASan build is): the Nth call of a kind fails, as SQLite's simulated I/O errors and curl's
 * torture tests do. In the normal build every check is the constant 0 and costs nothing. */
#ifndef DM_FAULT_H
#define DM_FAULT_H

enum dm_fault_kind {
	DM_FAULT_STORE, /* a call into SQLite or libpq (open, exec, prepare, step) */
	DM_FAULT_ALLOC, /* an allocation (counted by the test's malloc wrappers) */
	DM_FAULT_NKINDS
};

#ifdef DM_FAULT_INJECTION
/* Counts a call of kind; 1 when it is the one armed to fail. */
int dm_fault_hit(enum dm_fault_kind k);
/* Arms kind: the nth call from now fails (once); 0 disarms. Resets the count. */
void dm_fault_arm(enum dm_fault_kind k, long n);
/* Calls of kind counted since it was armed. */
long dm_fault_calls(enum dm_fault_kind k);
#else
#define dm_fault_hit(k) 0
#endif

#endif
