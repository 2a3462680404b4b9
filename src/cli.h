/* cli.h: what every `demine` command shares: exit codes, error printing, common options. */
#ifndef DM_CLI_H
#define DM_CLI_H
#include "demine/error.h"

struct json_t;

enum { CLI_OK = 0, CLI_REFUSED = 1, CLI_USAGE = 2 };

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
	const char *synopsis;
};

/* Prints "demine: MESSAGE" and each detail on stderr; returns the exit status for err. */
int cli_fail(const struct dm_error *err);
/* Prints a usage error for cmd on stderr; returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The database named by --db, else DEMINE_DB, else NULL. */
const char *cli_db_path(const char *opt);
/* The author of CLI writes: --user, else DEMINE_USER, else the login name. */
const char *cli_user(const char *opt);

struct dm_db;
struct dm_actor;
/* Opens the database for a command (prints the error); returns an exit status. */
int cli_open(const char *cmd, const char *dbopt, int create, struct dm_db **db);
/* The CLI acts with full rights ("local"), as the user cli_user() names. */
void cli_actor(struct dm_actor *who, const char *useropt);
/* Parses a whole decimal number option; returns CLI_USAGE on garbage. */
int cli_parse_int(const char *cmd, const char *name, const char *text, long long *out);
/* Prints a JSON value on stdout, indented, with a newline; takes ownership. */
void cli_print_json(struct json_t *v);

/* Commands, one file each (src/cli_NAME.c). */
int cli_init(int argc, char **argv);
int cli_remove_db_files(const char *path);
struct dm_db;
/* init and demo: parse --db/--force and create the database; returns an exit status. */
int cli_create_db(const char *cmd, int argc, char **argv, struct dm_db **db, const char **path);
int cli_demo(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_list(int argc, char **argv);
int cli_show(int argc, char **argv);
int cli_history(int argc, char **argv);
int cli_update(int argc, char **argv);
int cli_transition(int argc, char **argv); /* submit, approve, reject, delete */
int cli_rates(int argc, char **argv);
int cli_money(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_field(int argc, char **argv);
int cli_schema(int argc, char **argv);
int cli_geom(int argc, char **argv);
int cli_landrelease(int argc, char **argv);
int cli_readiness(int argc, char **argv); /* recompute|settings|set|show */
int cli_erase(int argc, char **argv);
int cli_tile(int argc, char **argv);
int cli_forms(int argc, char **argv);
int cli_copy(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_gen(int argc, char **argv);
int cli_stats(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_user_cmd(int argc, char **argv); /* user add|list|disable|password */
int cli_token(int argc, char **argv);    /* token create|revoke */
int cli_audit(int argc, char **argv);
struct dm_type;
int cli_apply_set(const struct dm_type *t, const char *arg, struct json_t *in, struct dm_error *err);

#endif
