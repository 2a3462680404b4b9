/* test_search.c: folding place names (dm_fold) and searching codes and places as each role
 * may read them, on the demo database. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "demine/db.h"
#include "demine/demo.h"
#include "demine/fold.h"
#include "demine/record.h"
#include "demine/search.h"
#include "check.h"

static void fold_is(const char *in, const char *want)
{
	char *f = dm_fold(in);
	CHECK_STR(f, want);
	free(f);
}

static void check_fold(void)
{
	fold_is("Füzuli", "fuzuli");
	fold_is("FÜZULİ", "fuzuli");
	fold_is("Fuzuli", "fuzuli");
	fold_is("Ağdam", "agdam");
	fold_is("Cəbrayıl", "cebrayil");
	fold_is("ƏLİ ŞÜKÜR ÇÖĞ", "eli sukur cog");
	fold_is("Şuşa şəhəri", "susa seheri");
	fold_is("Xocavənd", "xocavend");
	fold_is("Физули", "физули");
	fold_is("ФИЗУЛИНСКИЙ район", "физулинский район");
	fold_is("Ёлка", "елка");
	fold_is("ҜӘНҸӘ Һ", "ҝәнҹә һ"); /* Azerbaijani Cyrillic letters */
	fold_is("Ærøskøbing Straße Œuvre", "aeroskobing strasse oeuvre");
	fold_is("Łódź Ñuñoa São", "lodz nunoa sao");
	fold_is("Fu\xcc\x88zuli", "fuzuli"); /* decomposed ü: u + combining diaeresis */
	fold_is("HAZ-FZL-00001", "haz-fzl-00001");
	fold_is("", "");
	fold_is("a\xff" "b\xc3", "a?b?"); /* bytes that are not UTF-8 */
	fold_is("日本 ×÷", "日本 ×÷");   /* kept as they are */
	CHECK(dm_utf8_valid("Füzuli Физули 日本"));
	CHECK(!dm_utf8_valid("\xc0\xaf"));       /* overlong '/' */
	CHECK(!dm_utf8_valid("\xed\xa0\x80"));   /* surrogate */
	CHECK(!dm_utf8_valid("abc\xe2\x82"));    /* cut short */
}

static json_t *search(struct dm_db *db, const struct dm_actor *who, const char *q, int limit)
{
	struct dm_error err;
	json_t *out = NULL;
	dm_error_init(&err);
	CHECK_MSG(dm_search(db, who, q, limit, &out, &err) == 0, "'%s': %s", q, err.message);
	dm_error_release(&err);
	return out ? out : json_array();
}

static int has(json_t *items, const char *kind, const char *code)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		if (!strcmp(json_string_value(json_object_get(it, "kind")), kind) &&
		    !strcmp(json_string_value(json_object_get(it, "code")), code))
			return 1;
	return 0;
}

static void check_places(struct dm_db *db)
{
	static const struct dm_actor viewer = { "v", "viewer", NULL };
	static const char *const spellings[] = { "Füzuli", "fuzuli", "FUZULI", "Fizuli", "Физули", "физули", " fuzuli ", NULL };
	json_t *base = search(db, &viewer, "Füzuli", 20), *it;
	size_t i;
	CHECK(has(base, "place", "LOC-FZL-00001")); /* the town */
	CHECK(json_array_size(base) >= 2);          /* and the district */
	for (i = 0; spellings[i]; i++) {
		json_t *r = search(db, &viewer, spellings[i], 20);
		CHECK_MSG(has(r, "place", "LOC-FZL-00001"), "'%s' finds the town of Fuzuli", spellings[i]);
		json_decref(r);
	}
	it = json_array_get(base, 0);
	CHECK_STR(json_string_value(json_object_get(it, "type")), "location");
	CHECK(json_is_object(json_object_get(it, "names")));
	CHECK_INT(json_array_size(json_object_get(it, "bbox")), 4);
	json_decref(base);
	/* Ağdam, Agdam, Aghdam, Агдам */
	base = search(db, &viewer, "Ağdam", 20);
	CHECK(has(base, "place", "LOC-AGD-00001"));
	json_decref(base);
	base = search(db, &viewer, "Агдам", 20);
	CHECK(has(base, "place", "LOC-AGD-00001"));
	json_decref(base);
	/* a word inside a name: "rayon" is a word of every Azerbaijani district name */
	base = search(db, &viewer, "rayonu", 5);
	CHECK_INT(json_array_size(base), 5);
	json_decref(base);
	base = search(db, &viewer, "zzzqqq", 20);
	CHECK_INT(json_array_size(base), 0);
	json_decref(base);
}

static void check_codes(struct dm_db *db)
{
	static const struct dm_actor viewer = { "v", "viewer", NULL };
	static const struct dm_actor im = { "im", "im_officer", NULL };
	static const struct dm_actor pub = { "anonymous", "public", NULL };
	json_t *r = search(db, &viewer, "haz-fzl", 100), *it;
	size_t i;
	CHECK(has(r, "record", "HAZ-FZL-00001"));
	CHECK(!has(r, "record", "HAZ-FZL-00007")); /* submitted, never approved: not for a viewer */
	CHECK(!has(r, "record", "HAZ-FZL-00008")); /* deleted */
	json_array_foreach(r, i, it) {
		CHECK(!strncmp(json_string_value(json_object_get(it, "code")), "HAZ-FZL-", 8));
		CHECK_STR(json_string_value(json_object_get(it, "type")), "hazard");
		if (i)
			CHECK(strcmp(json_string_value(json_object_get(json_array_get(r, i - 1), "code")),
				     json_string_value(json_object_get(it, "code"))) < 0);
	}
	json_decref(r);
	r = search(db, &im, "HAZ-FZL", 100);
	CHECK(has(r, "record", "HAZ-FZL-00007")); /* an IM officer reviews submissions */
	CHECK(!has(r, "record", "HAZ-FZL-00008"));
	json_decref(r);
	r = search(db, &im, "HAZ-FZL-00001", 20);
	CHECK_INT(json_array_size(r), 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(r, 0), "code")), "HAZ-FZL-00001");
	json_decref(r);
	/* victims are not public; their names never label a result */
	r = search(db, &pub, "VIC-", 20);
	CHECK_INT(json_array_size(r), 0);
	json_decref(r);
	r = search(db, &viewer, "VIC-", 20);
	CHECK(json_array_size(r) >= 1);
	json_array_foreach(r, i, it)
		CHECK_STR(json_string_value(json_object_get(it, "label")), "Victim");
	json_decref(r);
	r = search(db, &viewer, "h", 3);
	CHECK_INT(json_array_size(r), 3);
	json_decref(r);
}

static void refused(struct dm_db *db, const char *q, int limit, const char *field)
{
	static const struct dm_actor viewer = { "v", "viewer", NULL };
	struct dm_error err;
	json_t *out = NULL;
	dm_error_init(&err);
	CHECK_INT(dm_search(db, &viewer, q, limit, &out, &err), DM_EINVAL);
	CHECK_STR(err.field, field);
	CHECK(out == NULL);
	dm_error_release(&err);
}

int main(void)
{
	char dir[] = "/tmp/demine-search-XXXXXX", path[128], long_q[300];
	struct dm_db *db = NULL;
	struct dm_error err;
	check_fold();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/search.db", dir);
	dm_error_init(&err);
	if (dm_db_open(path, 1, &db, &err) || dm_demo_fill(db, NULL, &err)) {
		CHECK_MSG(0, "demo database: %s", err.message);
	} else {
		check_places(db);
		check_codes(db);
		refused(db, "", 20, "q");
		refused(db, "   ", 20, "q");
		refused(db, "a\xff", 20, "q");
		memset(long_q, 'a', sizeof(long_q) - 1);
		long_q[sizeof(long_q) - 1] = 0;
		refused(db, long_q, 20, "q");
		refused(db, "fuzuli", 0, "limit");
		refused(db, "fuzuli", 101, "limit");
	}
	dm_error_release(&err);
	dm_db_close(db);
	unlink(path);
	snprintf(path, sizeof(path), "%s/search.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/search.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return check_report("search");
}
