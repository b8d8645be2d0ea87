/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz_import.c - `import shorewall FILE`: the input is the file (a
 * Shorewall masq/snat file as another tool or an old gateway wrote it).
 * Properties: what the check (-n) accepts, the real import takes too;
 * what it imported, `export shorewall` writes, and that file imports
 * again (man masqsh: "export writes what import reads back").
 * Which commands run, and in which namespace: fuzz_cmd.h.
 */
#include "config.h"

#include <unistd.h>

#include "fuzz.h"
#include "fuzz_cmd.h"

static struct fuzz_cmd fc;
static char in[160], out[160], import_in[400], replace_in[400],
	export_out[400], import_out[400];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_cmd_init(&fc, true);
	fuzz_cmd_path(&fc, in, sizeof(in), "in");
	fuzz_cmd_path(&fc, out, sizeof(out), "out");
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
	fc.ctx.check_only = true;
	rc = fuzz_cmd_run(&fc, import_out);
	fuzz_assert(rc == 0, "the exported file does not import: %d", rc);
	return 0;
}
