/* cli_update.c: demine update: a new version of a record from --set FIELD=VALUE pairs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/record.h"
#include "cli.h"

/* geometry=@FILE reads a GeoJSON geometry, or the geometry of a Feature. */
static json_t *geometry_from_file(const char *path, struct dm_error *err)
{
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je), *g;
	if (!doc) {
		dm_error_set(err, DM_EINVAL, "geometry", "%s line %d: %s", path, je.line, je.text);
		return NULL;
	}
	g = json_object_get(doc, "geometry");
	if (g && json_is_string(json_object_get(doc, "type")) && !strcmp(json_string_value(json_object_get(doc, "type")), "Feature")) {
		json_incref(g);
		json_decref(doc);
		return g;
	}
	return doc;
}

/* Parses one FIELD=VALUE into in, by the field's type. */
int cli_apply_set(const struct dm_type *t, const char *arg, json_t *in, struct dm_error *err)
{
	const char *eq = strchr(arg, '=');
	char name[128];
	const struct dm_field *f;
	json_t *v = NULL;
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name))
		return dm_error_set(err, DM_EUSAGE, NULL, "--set takes FIELD=VALUE, not '%s'", arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = 0;
	eq++;
	if (!strcmp(name, "geometry")) {
		if (!*eq)
			v = json_null();
		else if (*eq == '@')
			v = geometry_from_file(eq + 1, err);
		else
			v = json_loads(eq, JSON_REJECT_DUPLICATES, NULL);
		if (!v)
			return dm_error_set(err, DM_EINVAL, "geometry", "geometry must be GeoJSON or @FILE, not '%.40s'", eq);
	} else if ((f = dm_type_field(t, name))) {
		if (dm_field_from_text(f, eq, &v, err))
			return dm_error_set(err, DM_EINVAL, name, "%s: %s", name,
					    err->ndetails ? err->details[err->ndetails - 1].message : "bad value");
	} else {
		v = *eq ? json_string(eq) : json_null(); /* common members; unknown names are refused later */
	}
	json_object_set_new(in, name, v);
	return 0;
}

int cli_update(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "set", required_argument, NULL, 's' },
		{ "expect-version", required_argument, NULL, 'e' }, { "reason", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' }, { "crs", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *user = NULL, *reason = NULL;
	const char *sets[256];
	size_t nsets = 0, i;
	long long expect = 0;
	struct dm_write_opts wo = { .partial = 1 }; /* every --set names a change: computed ones are refused */
	struct dm_db *db = NULL;
	struct dm_record *cur = NULL, *r = NULL;
	struct dm_error err;
	struct dm_actor who;
	json_t *in;
	int c, rc, json = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 's':
			if (nsets == sizeof(sets) / sizeof(sets[0]))
				return cli_usage("update", "too many --set");
			sets[nsets++] = optarg;
			break;
		case 'e':
			if ((rc = cli_parse_int("update", "--expect-version", optarg, &expect)))
				return rc;
			break;
		case 'r': reason = optarg; break;
		case 'u': user = optarg; break;
		case 'c': wo.crs = optarg; break;
		case 'j': json = 1; break;
		default: return cli_usage("update", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("update", "give one record ID or code");
	if (!nsets)
		return cli_usage("update", "nothing to change: give --set FIELD=VALUE");
	if (expect <= 0)
		return cli_usage("update", "--expect-version N is required (the version you are changing)");
	if (!reason || !*reason)
		return cli_usage("update", "--reason TEXT is required");
	if ((rc = cli_open("update", db_opt, 0, &db)))
		return rc;
	cli_actor(&who, user);
	dm_error_init(&err);
	in = json_object();
	rc = dm_record_get(db, &who, argv[optind], NULL, &cur, &err);
	for (i = 0; !rc && i < nsets; i++)
		rc = cli_apply_set(cur->type, sets[i], in, &err);
	if (!rc)
		rc = dm_record_update(db, &who, argv[optind], expect, in, reason, &wo, &r, &err);
	if (rc) {
		rc = cli_fail(&err);
	} else if (json) {
		cli_print_json(dm_record_to_json(db, &who, r, NULL));
	} else if (r->version == expect) {
		printf("%s %s is unchanged at version %lld (%s): nothing to write\n", r->type->name, r->code,
		       (long long)r->version, r->status);
	} else {
		printf("%s %s is now version %lld (%s)\n", r->type->name, r->code, (long long)r->version, r->status);
	}
	dm_record_free(cur);
	dm_record_free(r);
	json_decref(in);
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}
