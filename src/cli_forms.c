/* cli_forms.c: demine forms list|export NAME: the field forms (XForms) generated from the field
 * tables, for ODK Collect, Central or a web form engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "demine/db.h"
#include "demine/schema.h"
#include "demine/xform.h"
#include "cli.h"

static int export_one(const struct dm_schema *s, const struct dm_form *f, const char *out)
{
	char *xml = NULL, version[24];
	size_t len;
	struct dm_error err;
	FILE *fp;
	int rc;
	dm_error_init(&err);
	if (dm_xform_build(s, f, NULL, &xml, &len, version, &err)) {
		rc = cli_fail(&err);
		dm_error_release(&err);
		return rc;
	}
	fp = out ? fopen(out, "w") : stdout;
	if (!fp) {
		fprintf(stderr, "demine forms: cannot write %s\n", out);
		free(xml);
		return CLI_REFUSED;
	}
	rc = fwrite(xml, 1, len, fp) == len ? CLI_OK : CLI_REFUSED;
	if (out && fclose(fp))
		rc = CLI_REFUSED;
	free(xml);
	return rc;
}

int cli_forms(int argc, char **argv)
{
	const char *dbopt = NULL, *out = NULL, *name = NULL, *sub = argc > 1 ? argv[1] : NULL;
	struct dm_schema *builtin = NULL;
	const struct dm_schema *s;
	struct dm_db *db = NULL;
	const struct dm_form *forms;
	size_t n, i;
	int rc = CLI_OK, a;
	for (a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--db") && a + 1 < argc)
			dbopt = argv[++a];
		else if (!strcmp(argv[a], "-o") && a + 1 < argc)
			out = argv[++a];
		else if (argv[a][0] != '-' && !name)
			name = argv[a];
		else
			return cli_usage("forms", "unknown option '%s'", argv[a]);
	}
	if (!sub || (strcmp(sub, "list") && strcmp(sub, "export")))
		return cli_usage("forms", "forms list | forms export NAME [-o FILE] [--db PATH]");
	if (!strcmp(sub, "export") && !name)
		return cli_usage("forms", "forms export needs a form NAME: see demine forms list");
	if (!strcmp(sub, "export") && !dm_form_find(name))
		return cli_usage("forms", "'%s' is not a form: see demine forms list", name);
	/* with --db, the deployment's extra fields are asked too */
	if (cli_db_path(dbopt)) {
		if ((rc = cli_open("forms", dbopt, 0, &db)))
			return rc;
		s = dm_db_schema(db);
	} else {
		s = builtin = dm_schema_new_builtin();
	}
	forms = dm_forms(&n);
	if (!strcmp(sub, "list")) {
		for (i = 0; i < n; i++) {
			char *xml = NULL, version[24];
			size_t len;
			struct dm_error err;
			dm_error_init(&err);
			if (!dm_xform_build(s, &forms[i], NULL, &xml, &len, version, &err))
				printf("%-16s %-13s %s  %s\n", forms[i].id, forms[i].type, version, forms[i].title_en);
			free(xml);
			dm_error_release(&err);
		}
	} else {
		rc = export_one(s, dm_form_find(name), out);
	}
	dm_schema_free(builtin);
	dm_db_close(db);
	return rc;
}
