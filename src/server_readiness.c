/* server_readiness.c: GET /api/v1/settlement/{id}/readiness and GET /api/v1/readiness/settings
 * (issue 17), thin faces over lib/readiness.c. */
#include <jansson.h>
#include "demine/readiness.h"
#include "server.h"

enum MHD_Result srv_readiness(struct req *r)
{
	struct dm_error err;
	json_t *o = NULL;
	enum MHD_Result sent;
	dm_error_init(&err);
	if (dm_readiness_get(r->db, &r->who, r->param[0], &o, &err)) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json(r, 200, o);
}

enum MHD_Result srv_readiness_settings(struct req *r)
{
	struct dm_error err;
	json_t *o = NULL;
	enum MHD_Result sent;
	dm_error_init(&err);
	if (dm_readiness_settings(r->db, &o, &err)) {
		sent = srv_dm_error(r, &err);
		dm_error_release(&err);
		return sent;
	}
	return srv_json(r, 200, o);
}
