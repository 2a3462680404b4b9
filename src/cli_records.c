/* cli_records.c: demine show, list and history: reading records. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/record.h"
#include "cli.h"

struct reader {
	struct dm_db *db;
	struct dm_actor who;
	json_t *items;
	int json;
	int history; /* text lines name the author and reason of each version */
};

static void print_record_text(struct dm_db *db, const struct dm_actor *who, const struct dm_record *r)
{
	json_t *o = dm_record_to_json(db, who, r, NULL), *v;
	const char *k;
	printf("%s %s (%s)\n", r->type->name, r->code, r->id);
	printf("  version %lld, %s%s", (long long)r->version, r->status, r->deleted ? ", deleted" : "");
	if (r->approved_version && r->approved_version != r->version)
		printf("; approved version is %lld", (long long)r->approved_version);
	else if (!r->approved_version)
		printf("; no approved version");
	printf("\n  written by %s at %s", r->updated_by, r->updated_at);
	if (r->change_reason)
		printf(": %s", r->change_reason);
	printf("\n");
	json_object_foreach(o, k, v) {
		char *txt;
		if (!strcmp(k, "id") || !strcmp(k, "type") || !strcmp(k, "code") || !strcmp(k, "version") ||
		    !strcmp(k, "status") || !strcmp(k, "approved_version") || !strcmp(k, "updated_by") ||
		    !strcmp(k, "updated_at") || !strcmp(k, "change_reason") || json_is_null(v))
			continue;
		if (json_is_real(v)) {
			const struct dm_field *f = dm_type_field(r->type, k);
			if (f && f->type == DM_F_AREA)
				printf("  %-24s %.2f m2 (%.4f ha)\n", k, json_real_value(v), json_real_value(v) / 10000);
			else
				printf("  %-24s %.15g\n", k, json_real_value(v));
			continue;
		}
		txt = json_is_string(v) ? strdup(json_string_value(v))
					: json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
		printf("  %-24s %s\n", k, txt ? txt : "");
		free(txt);
	}
	json_decref(o);
}

int cli_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "as-of", required_argument, NULL, 'a' },
		{ "approved", no_argument, NULL, 'p' }, { "json", no_argument, NULL, 'j' },
		{ "user", required_argument, NULL, 'u' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *user = NULL;
	struct dm_read_opts ro = { 0 };
	struct dm_db *db = NULL;
	struct dm_record *r = NULL;
	struct dm_error err;
	struct dm_actor who;
	int c, json = 0, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'a': ro.as_of = optarg; break;
		case 'p': ro.approved = 1; break;
		case 'j': json = 1; break;
		case 'u': user = optarg; break;
		default: return cli_usage("show", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("show", "give one record ID or code");
	if ((rc = cli_open("show", db_opt, 0, &db)))
		return rc;
	cli_actor(&who, user);
	dm_error_init(&err);
	rc = dm_record_get(db, &who, argv[optind], &ro, &r, &err);
	if (rc) {
		rc = cli_fail(&err);
	} else {
		if (json)
			cli_print_json(dm_record_to_json(db, &who, r, NULL));
		else
			print_record_text(db, &who, r);
		dm_record_free(r);
	}
	dm_error_release(&err);
	dm_db_close(db);
	return rc;
}

static int collect(struct dm_record *r, void *arg)
{
	struct reader *rd = arg;
	if (rd->json) {
		json_array_append_new(rd->items, dm_record_to_json(rd->db, &rd->who, r, NULL));
		return 0;
	}
	if (rd->history) {
		printf("v%-3lld %-10s %s  %s: %s%s\n", (long long)r->version, r->status, r->updated_at ? r->updated_at : "",
		       r->updated_by ? r->updated_by : "", r->change_reason ? r->change_reason : "",
		       r->deleted ? " (deleted)" : "");
		if (r->status_reason && !strcmp(r->status, "rejected"))
			printf("     rejected because: %s\n", r->status_reason);
		return 0;
	}
	printf("%-18s v%-3lld %-10s %s%s\n", r->code, (long long)r->version, r->status,
	       r->updated_at ? r->updated_at : "", r->deleted ? " deleted" : "");
	return 0;
}

static int finish_listing(struct reader *rd, int rc, struct dm_error *err)
{
	if (rc)
		rc = cli_fail(err);
	else if (rd->json)
		cli_print_json(json_pack("{s:O}", "items", rd->items));
	json_decref(rd->items);
	dm_error_release(err);
	dm_db_close(rd->db);
	return rc;
}

int cli_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "type", required_argument, NULL, 't' },
		{ "status", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "as-of", required_argument, NULL, 'a' }, { "q", required_argument, NULL, 'q' },
		{ "user", required_argument, NULL, 'u' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *type = NULL, *user = NULL;
	struct dm_list_opts lo = { 0 };
	struct reader rd = { 0 };
	struct dm_error err;
	int c, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 't': type = optarg; break;
		case 's': lo.status = optarg; break;
		case 'j': rd.json = 1; break;
		case 'a': lo.as_of = optarg; break;
		case 'q': lo.q = optarg; break;
		case 'u': user = optarg; break;
		default: return cli_usage("list", "unknown option");
		}
	}
	if (!type)
		return cli_usage("list", "--type TYPE is required");
	if (optind != argc)
		return cli_usage("list", "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_open("list", db_opt, 0, &rd.db)))
		return rc;
	cli_actor(&rd.who, user);
	rd.items = json_array();
	dm_error_init(&err);
	rc = dm_record_list(rd.db, &rd.who, type, &lo, collect, &rd, &err);
	return finish_listing(&rd, rc, &err);
}

int cli_history(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "json", no_argument, NULL, 'j' },
		{ "user", required_argument, NULL, 'u' }, { 0, 0, 0, 0 },
	};
	const char *db_opt = NULL, *user = NULL;
	struct reader rd = { 0 };
	struct dm_error err;
	int c, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'j': rd.json = 1; break;
		case 'u': user = optarg; break;
		default: return cli_usage("history", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("history", "give one record ID or code");
	rd.history = 1;
	if ((rc = cli_open("history", db_opt, 0, &rd.db)))
		return rc;
	cli_actor(&rd.who, user);
	rd.items = json_array();
	dm_error_init(&err);
	rc = dm_record_history(rd.db, &rd.who, argv[optind], collect, &rd, &err);
	return finish_listing(&rd, rc, &err);
}
