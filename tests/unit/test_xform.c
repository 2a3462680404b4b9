/* test_xform.c: the field forms generated from the field tables (well-formed, every asked field
 * bound and labelled in three languages, personal data marked, choices from the allowed values)
 * and the reading of submissions (values, geometry, refusals of DTDs, entities and bad answers). */
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <jansson.h>
#include "demine/geo.h"
#include "demine/schema.h"
#include "demine/xform.h"
#include "check.h"

static const char *version_of(const struct dm_form *f, void *arg)
{
	const struct dm_schema *s = arg;
	static char v[24];
	char *xml = NULL;
	size_t len;
	struct dm_error err;
	dm_error_init(&err);
	if (dm_xform_build(s, f, NULL, &xml, &len, v, &err))
		v[0] = 0;
	free(xml);
	dm_error_release(&err);
	return v;
}

static void test_forms(const struct dm_schema *s)
{
	size_t n, i, j, len;
	const struct dm_form *forms = dm_forms(&n);
	char *xml, v1[24], v2[24], needle[200];
	struct dm_error err;
	CHECK_INT(n, 6);
	for (i = 0; i < n; i++) {
		const struct dm_type *t = dm_schema_type(s, forms[i].type);
		xmlDoc *doc;
		dm_error_init(&err);
		CHECK_INT(dm_xform_build(s, &forms[i], NULL, &xml, &len, v1, &err), 0);
		CHECK_INT(strlen(xml), len);
		doc = xmlReadMemory(xml, (int)len, "form.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
		CHECK_MSG(doc != NULL, "%s is well-formed", forms[i].id);
		xmlFreeDoc(doc);
		CHECK(strstr(xml, "<translation lang=\"English (en)\" default=\"true()\">") != NULL);
		CHECK(strstr(xml, "<translation lang=\"Azərbaycan dili (az)\">") != NULL);
		CHECK(strstr(xml, "<translation lang=\"Русский (ru)\">") != NULL);
		CHECK(strstr(xml, "jr:preload=\"uid\"") != NULL);
		snprintf(needle, sizeof(needle), "<data id=\"%s\" version=\"%s\">", forms[i].id, v1);
		CHECK_MSG(strstr(xml, needle) != NULL, "%s carries its version", forms[i].id);
		for (j = 0; j < t->nfields; j++) {
			const struct dm_field *fd = &t->fields[j];
			snprintf(needle, sizeof(needle), "<bind nodeset=\"/data/%s\"", fd->name);
			CHECK_MSG(!strstr(xml, needle) == !dm_form_asks(&forms[i], t, fd), "%s: %s bound iff asked",
				  forms[i].id, fd->name);
			if (dm_form_asks(&forms[i], t, fd) && (fd->flags & DM_FF_REQUIRED)) {
				snprintf(needle, sizeof(needle), "<bind nodeset=\"/data/%s\" type=\"", fd->name);
				CHECK(strstr(strstr(xml, needle), "required=\"true()\"") != NULL);
			}
			if (dm_form_asks(&forms[i], t, fd) && fd->values) {
				snprintf(needle, sizeof(needle), "<value>%s</value>", fd->values[0]);
				CHECK_MSG(strstr(xml, needle) != NULL, "%s: choices of %s", forms[i].id, fd->name);
			}
			CHECK(!(fd->flags & DM_FF_COMPUTED) || !dm_form_asks(&forms[i], t, fd));
		}
		/* the same tables give the same form; without catalogues the values label themselves,
		 * and the version names the content */
		free(xml);
		CHECK_INT(dm_xform_build(s, &forms[i], "/nonexistent", &xml, &len, v2, &err), 0);
		CHECK_MSG(strcmp(v1, v2) != 0, "%s: the labels are part of the version", forms[i].id);
		free(xml);
		dm_error_release(&err);
	}
	/* the accident form asks its victims in a repeat, personal data marked */
	dm_error_init(&err);
	CHECK_INT(dm_xform_build(s, dm_form_find("demine_accident"), NULL, &xml, &len, v1, &err), 0);
	CHECK(strstr(xml, "<repeat nodeset=\"/data/victim\">") != NULL);
	CHECK(strstr(xml, "<value>Anti-personnel mine</value>") && strstr(xml, "<value>Противопехотная мина</value>"));
	CHECK(strstr(xml, "<value>Full name (personal data)") != NULL || strstr(xml, "Name (personal data)") != NULL);
	CHECK(strstr(xml, "/data/victim/accident") == NULL);
	free(xml);
	/* the survey forms: polygon, turning points or point; the release picks its hazard */
	CHECK_INT(dm_xform_build(s, dm_form_find("demine_nts"), NULL, &xml, &len, v1, &err), 0);
	CHECK(strstr(xml, "type=\"geoshape\"") && strstr(xml, "<repeat nodeset=\"/data/tp/leg\">") &&
	      strstr(xml, "type=\"geopoint\""));
	CHECK(strstr(xml, "/data/category\"") == NULL); /* set by the form: sha */
	free(xml);
	CHECK_INT(dm_xform_build(s, dm_form_find("demine_release"), NULL, &xml, &len, v1, &err), 0);
	CHECK(strstr(xml, "<instance id=\"hazards\" src=\"jr://file-csv/hazards.csv\"/>") != NULL);
	CHECK(strstr(xml, "<itemset nodeset=\"instance('hazards')/root/item\">") != NULL);
	free(xml);
	dm_error_release(&err);
}

static int read_sub(struct dm_geo *g, const struct dm_schema *s, const char *xml, struct dm_submission *sub,
		    struct dm_error *err)
{
	dm_error_init(err);
	return dm_xform_read(g, s, xml, strlen(xml), version_of, (void *)s, sub, err);
}

static void test_read(const struct dm_schema *s)
{
	struct dm_geo *g = dm_geo_new();
	struct dm_submission sub;
	struct dm_error err;
	char xml[4096];
	const char *v = version_of(dm_form_find("demine_eore"), (void *)s);
	char ver[24];
	snprintf(ver, sizeof(ver), "%s", v);
	snprintf(xml, sizeof(xml), "<data id=\"demine_eore\" version=\"%s\"><location>40.1 46.9 0 3</location>"
				   "<session_date>2026-12-01</session_date><method>interpersonal</method>"
				   "<girls>12</girls><boys> 9 </boys><women/><meta><instanceID>uuid:1</instanceID></meta></data>",
		 ver);
	CHECK_INT(read_sub(g, s, xml, &sub, &err), 0);
	CHECK_STR(sub.instance_id, "uuid:1");
	CHECK_INT(json_integer_value(json_object_get(sub.record, "girls")), 12);
	CHECK_INT(json_integer_value(json_object_get(sub.record, "boys")), 9);
	CHECK(json_object_get(sub.record, "women") == NULL);
	CHECK_NEAR(json_real_value(json_array_get(json_object_get(json_object_get(sub.record, "geometry"), "coordinates"), 0)),
		   46.9, 1e-9);
	dm_submission_release(&sub);
	dm_error_release(&err);
	/* refusals, each naming what is wrong */
	struct bad {
		const char *xml, *field, *words;
	} bad[] = {
		{ "<!DOCTYPE data [<!ENTITY a \"b\">]><data id=\"demine_eore\"/>", "xml_submission_file", "DTD" },
		{ "<data id=\"demine_eore\"", "xml_submission_file", "not well-formed" },
		{ "<data id=\"nope\"><meta><instanceID>x</instanceID></meta></data>", "form", "does not exist" },
		{ "<data id=\"demine_eore\" version=\"1\"><meta><instanceID>x</instanceID></meta></data>", "version",
		  "version '1' does not exist" },
		{ "<data id=\"demine_eore\" encrypted=\"yes\"><base64EncryptedKey>x</base64EncryptedKey></data>", "encrypted",
		  "encrypted submissions are refused" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(read_sub(g, s, bad[i].xml, &sub, &err) != 0);
		CHECK_STR(err.field, bad[i].field);
		CHECK_MSG(strstr(err.message, bad[i].words) != NULL, "%s: %s", bad[i].words, err.message);
		dm_error_release(&err);
	}
	snprintf(xml, sizeof(xml), "<data id=\"demine_eore\" version=\"%s\"><location>95 46.9</location><girls>-1</girls>"
				   "<boys>many</boys><colour>red</colour></data>", ver);
	CHECK(read_sub(g, s, xml, &sub, &err) == DM_EINVAL);
	CHECK(err.ndetails >= 4); /* location, boys, colour, instanceID (girls is the write path's) */
	dm_error_release(&err);
	dm_geo_free(g);
}

int main(void)
{
	struct dm_schema *s = dm_schema_new_builtin();
	test_forms(s);
	test_read(s);
	dm_schema_free(s);
	xmlCleanupParser();
	return check_report("test_xform");
}
