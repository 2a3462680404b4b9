/* store_box.c: the store's box index, a two-dimensional index on the bounding boxes (minx,
 * miny, maxx, maxy) of a table's rows: an R*Tree on SQLite (integer keys, mapped to record ids
 * by a side table), GiST over box(point(minx, miny), point(maxx, maxy)) on PostgreSQL. Domain
 * code asks for "the ids whose boxes meet this one" and never names the index. */
#include <stdio.h>
#include <string.h>
#include "store_impl.h"

static int is_pg(const struct dm_store *st)
{
	return st->ops->dialect == DM_DIALECT_POSTGRES;
}

/* The expression the GiST index is built on; queries must repeat it exactly to use it. */
#define PG_BOX "box(point(minx, miny), point(maxx, maxy))"
#define PG_QUERY_BOX "box(point(CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION))," \
		     " point(CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION)))"

int dm_store_box_index_ensure(struct dm_store *st, const char *table, struct dm_error *err)
{
	char sql[600];
	if (is_pg(st))
		/* GiST replaces the composite B-tree of older databases, a poor index in two dimensions */
		snprintf(sql, sizeof(sql), "CREATE INDEX IF NOT EXISTS \"%s_box\" ON \"%s\" USING gist (" PG_BOX ");"
			 " DROP INDEX IF EXISTS \"%s_bbox\"", table, table, table);
	else
		snprintf(sql, sizeof(sql), "CREATE VIRTUAL TABLE IF NOT EXISTS \"%s_rtree\" USING rtree(rid, minx, maxx,"
			 " miny, maxy); CREATE TABLE IF NOT EXISTS \"%s_rtree_id\" (rid INTEGER PRIMARY KEY,"
			 " id TEXT NOT NULL UNIQUE)", table, table);
	return dm_store_exec(st, sql, err);
}

static int exec_id(struct dm_store *st, const char *sql, int64_t rid, const char *id, struct dm_error *err)
{
	struct dm_stmt *s = NULL;
	int rc = dm_stmt_prepare(st, sql, &s, err);
	if (rc)
		return rc;
	if (id)
		dm_stmt_bind_text(s, 1, id);
	else
		dm_stmt_bind_int(s, 1, rid);
	rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
	dm_stmt_finalize(s);
	return rc;
}

int dm_store_box_index_put(struct dm_store *st, const char *table, const char *id, int create, const double *box,
			   struct dm_error *err)
{
	char sql[256];
	struct dm_stmt *s = NULL;
	int64_t rid = 0;
	int rc;
	if (is_pg(st))
		return 0; /* GiST follows the row's own columns */
	if (create) {
		snprintf(sql, sizeof(sql), "INSERT INTO \"%s_rtree_id\" (id) VALUES (?)", table);
		if ((rc = exec_id(st, sql, 0, id, err)))
			return rc;
	}
	snprintf(sql, sizeof(sql), "SELECT rid FROM \"%s_rtree_id\" WHERE id = ?", table);
	if ((rc = dm_store_query_int(st, sql, id, &rid, err)))
		return rc;
	snprintf(sql, sizeof(sql), "DELETE FROM \"%s_rtree\" WHERE rid = ?", table);
	if ((rc = exec_id(st, sql, rid, NULL, err)) || !box)
		return rc;
	snprintf(sql, sizeof(sql), "INSERT INTO \"%s_rtree\" (rid, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)", table);
	rc = dm_stmt_prepare(st, sql, &s, err);
	if (!rc) {
		dm_stmt_bind_int(s, 1, rid);
		dm_stmt_bind_real(s, 2, box[0]);
		dm_stmt_bind_real(s, 3, box[2]);
		dm_stmt_bind_real(s, 4, box[1]);
		dm_stmt_bind_real(s, 5, box[3]);
		rc = dm_stmt_step(s, err) < 0 ? err->code : 0;
	}
	dm_stmt_finalize(s);
	return rc;
}

void dm_store_box_index_ids(struct dm_store *st, struct dm_buf *b, const char *table)
{
	if (is_pg(st))
		dm_buf_addf(b, "SELECT id FROM \"%s\" WHERE " PG_BOX " && " PG_QUERY_BOX, table);
	else
		dm_buf_addf(b, "SELECT ri.id FROM \"%s_rtree\" r JOIN \"%s_rtree_id\" ri ON ri.rid = r.rid"
			       " WHERE r.maxx >= ? AND r.maxy >= ? AND r.minx <= ? AND r.miny <= ?",
			    table, table);
}

/* On SQLite the R*Tree stops counting at the share asked. */
int dm_store_box_index_share_above(struct dm_store *st, const char *table, const double box[4], int denominator)
{
	struct dm_stmt *s = NULL;
	struct dm_error err;
	char sql[300];
	int64_t n = 0, rows = 0, limit;
	if (is_pg(st) || denominator < 1)
		return -1; /* a count would read the index as far as the limit: no cheaper than the query */
	dm_error_init(&err);
	snprintf(sql, sizeof(sql), "SELECT max(rowid) FROM \"%s\"", table);
	if (!dm_stmt_prepare(st, sql, &s, &err) && dm_stmt_step(s, &err) == 1)
		rows = dm_stmt_column_int(s, 0); /* rowids grow by one a record: near enough a count */
	dm_stmt_finalize(s);
	s = NULL;
	limit = rows / denominator;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT 1 FROM \"%s_rtree\" WHERE maxx >= ? AND maxy >= ?"
				   " AND minx <= ? AND miny <= ? LIMIT ?)", table);
	if (rows > 0 && !dm_stmt_prepare(st, sql, &s, &err)) {
		for (int i = 0; i < 4; i++)
			dm_stmt_bind_real(s, i + 1, box[i]);
		dm_stmt_bind_int(s, 5, limit + 1);
		if (dm_stmt_step(s, &err) == 1)
			n = dm_stmt_column_int(s, 0);
	}
	dm_stmt_finalize(s);
	dm_error_release(&err);
	return rows > 0 && n > limit;
}

int dm_store_box_index_rebuild(struct dm_store *st, const char *table, struct dm_error *err)
{
	char sql[1024];
	if (is_pg(st))
		return 0;
	snprintf(sql, sizeof(sql),
		 "DELETE FROM \"%s_rtree\"; DELETE FROM \"%s_rtree_id\";"
		 "INSERT INTO \"%s_rtree_id\" (id) SELECT id FROM \"%s\" ORDER BY id;"
		 "INSERT INTO \"%s_rtree\" (rid, minx, maxx, miny, maxy) SELECT ri.rid, c.minx, c.maxx, c.miny, c.maxy"
		 " FROM \"%s\" c JOIN \"%s_rtree_id\" ri ON ri.id = c.id WHERE c.geom IS NOT NULL",
		 table, table, table, table, table, table, table);
	return dm_store_exec(st, sql, err);
}
