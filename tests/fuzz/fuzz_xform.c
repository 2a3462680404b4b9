/* fuzz_xform.c: libFuzzer target feeding bytes to the OpenRosa submission reader (untrusted XML
 * from tablets): it must refuse or read, never crash, leak or expand entities. The forms'
 * version is "v" here, so the seeds stay valid when the field tables change. Seeds encrypted.xml
 * and withrepeat.xml are getodk/central-backend test data (Apache-2.0, via ../shared/fixtures/odk). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>
#include "demine/geo.h"
#include "demine/schema.h"
#include "demine/xform.h"

static const char *version(const struct dm_form *f, void *arg)
{
	(void)f;
	(void)arg;
	return "v";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dm_schema *s;
	static struct dm_geo *g;
	struct dm_submission sub;
	struct dm_error err;
	int rc;
	if (!s) {
		s = dm_schema_new_builtin();
		g = dm_geo_new();
	}
	dm_error_init(&err);
	rc = dm_xform_read(g, s, (const char *)data, size, version, NULL, &sub, &err);
	/* read means a record document, an instanceID and no error; refused means a message */
	if (rc == 0 && (!sub.record || !sub.instance_id[0] || err.code))
		__builtin_trap();
	if (rc != 0 && !err.message[0])
		__builtin_trap();
	dm_submission_release(&sub);
	dm_error_release(&err);
	return 0;
}
