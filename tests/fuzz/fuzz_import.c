/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_import.c - `import shorewall FILE`: the input is the file (a
 * Shorewall masq/snat file as another tool or an old gateway wrote it).
 * Properties: what the check (-n) accepts, the real import takes too;
 * what it imported, `export shorewall` writes, and that file imports
 * again (man masqsh: "export writes what import reads back"); the same
 * rules written as a snat file (`export shorewall snat`) import to the
 * same rules: their masq export is byte for byte the first one (unless
 * a rule has no snat form, which the snat file then says).
 * Which commands run, and in which namespace: fuzz_cmd.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_cmd.h"

static struct fuzz_cmd fc;
static char in[160], out[160], out_snat[160], out_again[160],
	import_in[400], replace_in[400], export_out[400], import_out[400],
	export_snat[400], import_snat[400], export_again[400];

/* The whole of file @path, NUL-terminated (abort on failure). */
static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!fp)
		abort();
	n = getdelim(&buf, &cap, '\0', fp);
	fclose(fp);
	if (n < 0) {
		free(buf);
		return strdup("");
	}
	return buf;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_cmd_init(&fc, true);
	fuzz_cmd_path(&fc, in, sizeof(in), "in");
	fuzz_cmd_path(&fc, out, sizeof(out), "out");
	fuzz_cmd_path(&fc, out_snat, sizeof(out_snat), "out.snat");
	fuzz_cmd_path(&fc, out_again, sizeof(out_again), "out.again");
	snprintf(export_snat, sizeof(export_snat), "export shorewall snat %s",
		 out_snat);
	snprintf(import_snat, sizeof(import_snat), "import shorewall %s "
		 "replace", out_snat);
	snprintf(export_again, sizeof(export_again), "export shorewall %s",
		 out_again);
	snprintf(import_in, sizeof(import_in), "import shorewall %s", in);
	snprintf(replace_in, sizeof(replace_in), "import shorewall %s "
		 "replace", in);
	snprintf(export_out, sizeof(export_out), "export shorewall %s", out);
	snprintf(import_out, sizeof(import_out), "import shorewall %s "
		 "replace", out);
	if (fuzz_cmd_run(&fc, "masq add out eth0 from 192.168.1.0/24") != 0)
		abort();
	return 0;
}

/* import(export snat) == the rules: the masq export of what the snat
 * file imports equals the masq export of the rules themselves. */
static void
snat_round_trip(void)
{
	char *snat = slurp(out_snat), *a, *b;
	int rc;

	if (strstr(snat, "has no snat form")) {
		free(snat);
		return;
	}
	rc = fuzz_cmd_run(&fc, import_snat);
	fuzz_assert(rc == 0, "the exported snat file does not import: %d",
		    rc);
	unlink(out_again);
	rc = fuzz_cmd_run(&fc, export_again);
	fuzz_assert(rc == 0, "export after the snat import says %d", rc);
	a = slurp(out);
	b = slurp(out_again);
	fuzz_assert(strcmp(a, b) == 0, "snat export + import changed the "
		    "rules:\n%s\n--- became ---\n%s\n--- via ---\n%s", a, b,
		    snat);
	free(a);
	free(b);
	free(snat);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc;

	if (size > 8192)
		return 0;
	fuzz_cmd_write(in, data, size);
	fc.ctx.check_only = true;
	if (fuzz_cmd_run(&fc, import_in) != 0)
		return 0;
	fc.ctx.check_only = false;
	rc = fuzz_cmd_run(&fc, replace_in);
	fuzz_assert(rc == 0, "the check accepted the file, the import "
		    "says %d", rc);
	unlink(out);
	rc = fuzz_cmd_run(&fc, export_out);
	fuzz_assert(rc == 0, "export after an import says %d", rc);
	unlink(out_snat);
	rc = fuzz_cmd_run(&fc, export_snat);
	fuzz_assert(rc == 0, "export snat after an import says %d", rc);
	fc.ctx.check_only = true;
	rc = fuzz_cmd_run(&fc, import_out);
	fuzz_assert(rc == 0, "the exported file does not import: %d", rc);
	fc.ctx.check_only = false;
	snat_round_trip();
	return 0;
}
