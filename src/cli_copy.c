/* cli_copy.c: demine copy: a whole database from one store to the other, verified. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include "demine/copy.h"
#include "cli.h"

int cli_copy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0, 0, 0, 0 },
	};
	const char *from = NULL, *to = NULL;
	struct dm_copy_report rep;
	struct dm_error err;
	int c, rc, quiet = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f')
			from = optarg;
		else if (c == 't')
			to = optarg;
		else if (c == 'q')
			quiet = 1;
		else
			return cli_usage("copy", "unknown option");
	}
	if (optind != argc)
		return cli_usage("copy", "unexpected argument '%s'", argv[optind]);
	if (!from || !to)
		return cli_usage("copy", "--from SRC and --to DST are both required");
	dm_error_init(&err);
	rc = dm_copy(from, to, &rep, &err);
	if (!quiet || rc) {
		for (size_t i = 0; i < rep.ntables; i++)
			if (rep.tables[i].dest_checksum[0])
				printf("%-32s %10" PRId64 " rows  %.16s\n", rep.tables[i].name, rep.tables[i].rows,
				       rep.tables[i].checksum);
	}
	if (rc) {
		rc = cli_fail(&err);
	} else {
		printf("copied %" PRId64 " rows in %zu tables; row counts and checksums agree\n", rep.rows,
		       rep.ntables);
		rc = CLI_OK;
	}
	dm_copy_report_release(&rep);
	dm_error_release(&err);
	return rc;
}
