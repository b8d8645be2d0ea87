/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * check_diag.c - unit tests for the diagnostics framework (diag.c) and the
 * crlf check (crlf.c, check_crlf.c): a corpus of every line-ending and
 * invisible-character fault, found at the right line and column and fixed
 * byte-exactly; the in-place fix (mode, owner, backup, symlink refusal);
 * the runner (ids, prefixes, did-you-mean, SKIP for unmet needs); the
 * sysctl checks against a fake /proc; the JSON keys.  No kernel needed.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/out.h"
#include "diag/crlf.h"
#include "diag/diag.h"

/* ---- the corpus ---- */

struct fcase {
	const char *name;
	const char *in;
	size_t in_len;			/* 0: strlen(in) */
	const char *fixed;		/* expected bytes after fix */
	size_t nf;
	struct { enum diag_crlf_kind k; unsigned int line, col; } f[6];
};

#define K(kind, l, c) { DIAG_CRLF_##kind, l, c }

static const struct fcase fcases[] = {
	{ "clean", "#!/bin/sh\necho ok\n", 0, "#!/bin/sh\necho ok\n", 0,
	  { { 0, 0, 0 } } },
	{ "empty", "", 0, "", 0, { { 0, 0, 0 } } },
	{ "crlf everywhere", "echo a\r\necho b\r\n", 0, "echo a\necho b\n",
	  2, { K(CRLF, 1, 7), K(CRLF, 2, 7) } },
	{ "crlf shebang", "#!/bin/sh\r\necho a\n", 0, "#!/bin/sh\necho a\n",
	  1, { K(SHEBANG, 1, 10) } },
	{ "lone cr (old mac)", "a\rbb\rccc", 0, "a\nbb\nccc", 2,
	  { K(CR, 1, 2), K(CR, 2, 3) } },
	{ "mixed endings", "a\nb\r\nc\rd\n", 0, "a\nb\nc\nd\n", 2,
	  { K(CRLF, 2, 2), K(CR, 3, 2) } },
	{ "cr at end of file", "x\r", 0, "x\n", 1, { K(CR, 1, 2) } },
	{ "bom", "\xef\xbb\xbfiptables -L\n", 0, "iptables -L\n", 1,
	  { K(BOM, 1, 1) } },
	{ "bom then crlf shebang", "\xef\xbb\xbf#!/bin/sh\r\n", 0,
	  "#!/bin/sh\n", 2, { K(BOM, 1, 1), K(SHEBANG, 1, 13) } },
	{ "nbsp", "iptables\xc2\xa0-F\n", 0, "iptables -F\n", 1,
	  { K(NBSP, 1, 9) } },
	{ "narrow nbsp line 2", "a\nb\xe2\x80\xaf" "c\n", 0, "a\nb c\n", 1,
	  { K(NBSP, 2, 2) } },
	{ "zero-width space and joiner", "ip\xe2\x80\x8btables\xe2\x80\x8d\n",
	  0, "iptables\n", 2, { K(ZERO_WIDTH, 1, 3), K(ZERO_WIDTH, 1, 12) } },
	{ "feff inside", "a\n\xef\xbb\xbf" "b\n", 0, "a\nb\n", 1,
	  { K(ZERO_WIDTH, 2, 1) } },
	{ "word joiner", "x\xe2\x81\xa0y", 0, "xy", 1, { K(ZERO_WIDTH, 1, 2) } },
	{ "soft hyphen", "mas\xc2\xadquerade\n", 0, "masquerade\n", 1,
	  { K(SOFT_HYPHEN, 1, 4) } },
	{ "bidi override", "a\xe2\x80\xae" "b\n", 0, "ab\n", 1,
	  { K(BIDI, 1, 2) } },
	{ "latin-1 byte kept", "caf\xe9\r\n", 0, "caf\xe9\n", 2,
	  { K(BAD_UTF8, 1, 4), K(CRLF, 1, 5) } },
	{ "truncated utf-8 at end", "ok\xe2\x80", 0, "ok\xe2\x80", 2,
	  { K(BAD_UTF8, 1, 3), K(BAD_UTF8, 1, 4) } },
	{ "overlong is bad", "\xc0\xaf\n", 0, "\xc0\xaf\n", 2,
	  { K(BAD_UTF8, 1, 1), K(BAD_UTF8, 1, 2) } },
	{ "nul byte kept", "a\0b\r\n", 5, "a\0b\n", 1, { K(CRLF, 1, 4) } },
	{ "real utf-8 untouched", "# caf\xc3\xa9 \xe2\x82\xac\n", 0,
	  "# caf\xc3\xa9 \xe2\x82\xac\n", 0, { { 0, 0, 0 } } },
};

static size_t
fixed_len(const struct fcase *c)
{
	/* fixed strings have no NUL except the nul case */
	return c->in_len ? c->in_len - 1 : strlen(c->fixed);
}

START_TEST(test_scan)
{
	const struct fcase *c = &fcases[_i];
	size_t n = c->in_len ? c->in_len : strlen(c->in), nf, i;
	struct diag_crlf_finding *f;

	diag_crlf_scan((const uint8_t *)c->in, n, &f, &nf);
	ck_assert_msg(nf == c->nf, "%s: %zu findings, want %zu", c->name, nf,
		      c->nf);
	for (i = 0; i < nf; i++) {
		ck_assert_msg(f[i].kind == c->f[i].k, "%s: finding %zu kind %d",
			      c->name, i, f[i].kind);
		ck_assert_msg(f[i].line == c->f[i].line &&
			      f[i].col == c->f[i].col,
			      "%s: finding %zu at %u:%u, want %u:%u", c->name,
			      i, f[i].line, f[i].col, c->f[i].line,
			      c->f[i].col);
	}
	free(f);
}
END_TEST

START_TEST(test_fix_buf)
{
	const struct fcase *c = &fcases[_i];
	size_t n = c->in_len ? c->in_len : strlen(c->in), on;
	uint8_t *out = diag_crlf_fix_buf((const uint8_t *)c->in, n, &on);

	ck_assert_msg(on == fixed_len(c) && !memcmp(out, c->fixed, on),
		      "%s: fixed bytes differ (%zu vs %zu)", c->name, on,
		      fixed_len(c));
	free(out);
}
END_TEST

/* ---- files ---- */

static char dir[256];

static void
dir_setup(void)
{
	snprintf(dir, sizeof(dir), "%s/check_diag.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
dir_teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
put(const char *path, const char *bytes, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, n), (ssize_t)n);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *b = malloc(1 << 16);

	ck_assert_ptr_nonnull(fp);
	*n = fread(b, 1, 1 << 16, fp);
	fclose(fp);
	return b;
}

START_TEST(test_fix_file)
{
	static const char in[] = "#!/bin/sh\r\necho\xc2\xa0hi\r\n";
	static const char want[] = "#!/bin/sh\necho hi\n";
	char path[300], bak[320], *got;
	struct masq_err e;
	struct stat st;
	bool changed;
	size_t n;

	snprintf(path, sizeof(path), "%s/rc.firewall", dir);
	snprintf(bak, sizeof(bak), "%s.orig", path);
	put(path, in, sizeof(in) - 1, 0750);
	if (geteuid() == 0)
		ck_assert_int_eq(chown(path, 1234, 4321), 0);
	err_init(&e);
	ck_assert_int_eq(diag_crlf_fix_file(path, &changed, &e), 0);
	ck_assert(changed);
	got = slurp(path, &n);
	ck_assert_int_eq(n, sizeof(want) - 1);
	ck_assert(!memcmp(got, want, n));
	free(got);
	got = slurp(bak, &n);
	ck_assert_int_eq(n, sizeof(in) - 1);
	ck_assert(!memcmp(got, in, n));
	free(got);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0750);
	if (geteuid() == 0) {
		ck_assert_int_eq(st.st_uid, 1234);
		ck_assert_int_eq(st.st_gid, 4321);
	} else {
		printf("check_diag: owner case skipped: not root\n");
	}
	/* clean now: a second fix changes nothing and needs no backup */
	ck_assert_int_eq(diag_crlf_fix_file(path, &changed, &e), 0);
	ck_assert(!changed);
	/* a dirty file with a backup in the way is refused, untouched */
	put(path, in, sizeof(in) - 1, 0640);
	ck_assert_int_eq(diag_crlf_fix_file(path, &changed, &e), -1);
	ck_assert(strstr(e.msg, "already exists"));
	got = slurp(path, &n);
	ck_assert(n == sizeof(in) - 1 && !memcmp(got, in, n));
	free(got);
	err_done(&e);
}
END_TEST

START_TEST(test_symlink_refused)
{
	static const char in[] = "a\r\n";
	char target[300], link_[300], *got;
	struct masq_err e;
	uint8_t *buf;
	bool changed;
	size_t n;

	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(link_, sizeof(link_), "%s/link", dir);
	put(target, in, 3, 0644);
	ck_assert_int_eq(symlink(target, link_), 0);
	err_init(&e);
	ck_assert_int_eq(diag_crlf_read(link_, &buf, &n, &e), -1);
	ck_assert(strstr(e.msg, "symbolic link"));
	err_reset(&e);
	ck_assert_int_eq(diag_crlf_fix_file(link_, &changed, &e), -1);
	ck_assert(!changed);
	got = slurp(target, &n);
	ck_assert(n == 3 && !memcmp(got, in, 3));
	free(got);
	err_done(&e);
}
END_TEST

/* The crlf check through the runner: FAIL, then fix, then PASS. */
START_TEST(test_crlf_check)
{
	char path[300];
	const char *paths[1] = { path };
	struct diag_result r;
	struct diag_ctx ctx;

	snprintf(path, sizeof(path), "%s/rules.msh", dir);
	put(path, "masq add out wan0\r\n", 19, 0600);
	diag_ctx_init(&ctx);
	ctx.paths = paths;
	ctx.n_paths = 1;
	ck_assert_int_eq(diag_run_one(&ctx, &diag_crlf_check, &r), DIAG_FAIL);
	ck_assert(strstr(r.evidence, "rules.msh:1:18: CR LF"));
	ck_assert_ptr_nonnull(r.fix);
	diag_result_done(&r);
	ctx.fix = true;
	ck_assert_int_eq(diag_run_one(&ctx, &diag_crlf_check, &r), DIAG_PASS);
	diag_result_done(&r);
	ctx.fix = false;
	ck_assert_int_eq(diag_run_one(&ctx, &diag_crlf_check, &r), DIAG_PASS);
	diag_result_done(&r);
	diag_ctx_done(&ctx);
}
END_TEST

/* ---- the runner ---- */

static struct masq_tok
tok(const char *s)
{
	return (struct masq_tok){ s, s, 0, strlen(s) };
}

struct idcase {
	const char *word;
	int rc;
	const char *id;		/* resolved, or text the error must hold */
};

static const struct idcase idcases[] = {
	{ "ident", 0, "ident" },
	{ "rules.al", 0, "rules.alias" },
	{ "sysctl", 0, "sysctl.ip-forward" },
	{ "rules.", -1, "ambiguous" },
	{ "idnet", -1, "did you mean 'ident'" },
	{ "nosuchcheck", -1, "diag list" },
};

START_TEST(test_ids)
{
	const struct idcase *c = &idcases[_i];
	struct masq_tok t = tok(c->word);
	struct diag_result *res;
	struct diag_ctx ctx;
	struct masq_err e;
	size_t n;

	diag_ctx_init(&ctx);
	ctx.net_admin = false;	/* nothing kernel-side runs */
	ctx.proc = "/nonexistent";
	err_init(&e);
	ck_assert_int_eq(diag_run(&ctx, &t, 1, &res, &n, &e), c->rc);
	if (c->rc == 0) {
		ck_assert_uint_eq(n, 1);
		ck_assert_str_eq(res[0].check->id, c->id);
	} else {
		ck_assert_int_eq(e.code, MASQ_EUSAGE);
		ck_assert_msg(strstr(e.msg, c->id) || strstr(e.hint, c->id),
			      "%s: '%s' / '%s'", c->word, e.msg, e.hint);
		ck_assert_uint_eq(e.len, strlen(c->word));
	}
	diag_results_free(res, n);
	err_done(&e);
	diag_ctx_done(&ctx);
}
END_TEST

START_TEST(test_needs_skip)
{
	static const char *const ids[] = {
		"kernel.nat-features", "ident", "nat.others", "filter.forwards",
		"helpers",
		"conntrack.sizing", "timeouts.idle", "crlf",
	};
	struct diag_result r;
	struct diag_ctx ctx;
	size_t i;

	diag_ctx_init(&ctx);
	ctx.net_admin = false;
	ctx.proc = "/nonexistent";	/* no conntrack */
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct diag_check *c = diag_check_find(ids[i]);

		ck_assert_ptr_nonnull(c);
		ck_assert_int_eq(diag_run_one(&ctx, c, &r), DIAG_SKIP);
		ck_assert_ptr_nonnull(r.skip);
		ck_assert_int_eq(r.status, DIAG_SKIP);
		diag_result_done(&r);
	}
	diag_ctx_done(&ctx);
}
END_TEST

START_TEST(test_registry)
{
	const struct diag_check *const *c, *const *d;
	struct diag_result *res;
	struct diag_ctx ctx;
	struct masq_err e;
	size_t n, i;

	for (c = diag_checks; *c; c++) {
		ck_assert_ptr_nonnull((*c)->title);
		ck_assert_ptr_nonnull((*c)->run);
		for (d = c + 1; *d; d++)
			ck_assert_str_ne((*c)->id, (*d)->id);
	}
	diag_ctx_init(&ctx);
	ctx.net_admin = false;
	ctx.proc = "/nonexistent";
	err_init(&e);
	ck_assert_int_eq(diag_run(&ctx, NULL, 0, &res, &n, &e), 0);
	ck_assert_uint_gt(n, 5);
	for (i = 0; i < n; i++)
		ck_assert(!(res[i].check->needs & DIAG_NEEDS_PARAMS));
	diag_results_free(res, n);
	err_done(&e);
	diag_ctx_done(&ctx);
}
END_TEST

/* ---- the sysctl checks against a fake /proc ---- */

struct pcase {
	const char *check;
	const char *files[6][2];	/* relative path, content */
	enum diag_status st;
	const char *fix;		/* substring of the fix, or NULL */
};

#define NFC "sys/net/netfilter/"
#define CTMAX(m) { NFC "nf_conntrack_max", m }

static const struct pcase pcases[] = {
	{ "sysctl.ip-forward", { { "sys/net/ipv4/ip_forward", "0\n" } },
	  DIAG_FAIL, "net.ipv4.ip_forward=1" },
	{ "sysctl.ip-forward", { { "sys/net/ipv4/ip_forward", "1\n" } },
	  DIAG_PASS, NULL },
	{ "timeouts.idle", { CTMAX("100"),
	  { NFC "nf_conntrack_tcp_timeout_established", "600" },
	  { NFC "nf_conntrack_udp_timeout", "30" },
	  { NFC "nf_conntrack_udp_timeout_stream", "120" } },
	  DIAG_WARN, "tcp_timeout_established=432000" },
	{ "timeouts.idle", { CTMAX("100"),
	  { NFC "nf_conntrack_tcp_timeout_established", "432000" },
	  { NFC "nf_conntrack_udp_timeout", "5" },
	  { NFC "nf_conntrack_udp_timeout_stream", "120" } },
	  DIAG_WARN, "udp_timeout=30" },
	{ "timeouts.idle", { CTMAX("100"),
	  { NFC "nf_conntrack_tcp_timeout_established", "432000" },
	  { NFC "nf_conntrack_udp_timeout", "30" },
	  { NFC "nf_conntrack_udp_timeout_stream", "120" } },
	  DIAG_PASS, NULL },
	{ "conntrack.sizing", { CTMAX("1000"),
	  { NFC "nf_conntrack_count", "950" },
	  { NFC "nf_conntrack_buckets", "1000" },
	  { "meminfo", "MemTotal: 4000000 kB\n" } },
	  DIAG_FAIL, "nf_conntrack_max=2000" },
	{ "conntrack.sizing", { CTMAX("1000"),
	  { NFC "nf_conntrack_count", "800" },
	  { NFC "nf_conntrack_buckets", "1000" },
	  { "meminfo", "MemTotal: 4000000 kB\n" } },
	  DIAG_WARN, "nf_conntrack_max=2000" },
	{ "conntrack.sizing", { CTMAX("1000000"),
	  { NFC "nf_conntrack_count", "10" },
	  { NFC "nf_conntrack_buckets", "1000" },
	  { "meminfo", "MemTotal: 4000000 kB\n" } },
	  DIAG_WARN, "hashsize" },
	{ "conntrack.sizing", { CTMAX("4000000"),
	  { NFC "nf_conntrack_count", "10" },
	  { NFC "nf_conntrack_buckets", "1000000" },
	  { "meminfo", "MemTotal: 1000000 kB\n" } },
	  DIAG_WARN, "nf_conntrack_max=" },
	{ "conntrack.sizing", { CTMAX("65536"),
	  { NFC "nf_conntrack_count", "100" },
	  { NFC "nf_conntrack_buckets", "65536" },
	  { "meminfo", "MemTotal: 4000000 kB\n" } },
	  DIAG_PASS, NULL },
};

START_TEST(test_proc_checks)
{
	const struct pcase *c = &pcases[_i];
	char path[512], cmd[600];
	struct diag_result r;
	struct diag_ctx ctx;
	size_t i;

	for (i = 0; i < 6 && c->files[i][0]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, c->files[i][0]);
		snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
		ck_assert_int_eq(system(cmd), 0);
		put(path, c->files[i][1], strlen(c->files[i][1]), 0644);
	}
	diag_ctx_init(&ctx);
	ctx.proc = dir;
	ctx.sys = dir;
	ck_assert_int_eq(diag_run_one(&ctx, diag_check_find(c->check), &r),
			 c->st);
	if (c->fix)
		ck_assert_msg(r.fix && strstr(r.fix, c->fix), "%s: fix '%s'",
			      c->check, r.fix ? r.fix : "(none)");
	else
		ck_assert_ptr_null(r.fix);
	diag_result_done(&r);
	diag_ctx_done(&ctx);
}
END_TEST

/* ---- JSON ---- */

START_TEST(test_json)
{
	struct diag_result r[2];
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct out *o = out_new(fp, true);

	diag_result_init(&r[0]);
	diag_result_init(&r[1]);
	r[0].check = &diag_ip_forward_check;
	r[0].status = DIAG_FAIL;
	diag_message(&r[0], "off");
	diag_evidence(&r[0], "line \"1\"");
	diag_evidence(&r[0], "line 2");
	diag_fix(&r[0], "sysctl -w net.ipv4.ip_forward=1");
	r[1].check = &diag_ident_check;
	r[1].status = diag_skip(&r[1], "needs root");
	diag_results_print(o, r, 2, false);
	out_doc_end(o);
	out_free(o);
	fclose(fp);
	ck_assert_str_eq(buf,
		"[{\"id\":\"sysctl.ip-forward\",\"status\":\"fail\","
		"\"message\":\"off\",\"evidence\":[\"line \\\"1\\\"\",\"line 2\"],"
		"\"fix\":\"sysctl -w net.ipv4.ip_forward=1\",\"faq\":\"7.4\","
		"\"skip\":null},{\"id\":\"ident\",\"status\":\"skip\","
		"\"message\":\"needs root\",\"evidence\":[],\"fix\":null,"
		"\"faq\":\"7.35\",\"skip\":\"needs root\"}]\n");
	ck_assert_int_eq(diag_results_failed(r, 2), 1);
	ck_assert_int_eq(diag_results_failed(&r[1], 1), 0);
	free(buf);
	diag_result_done(&r[0]);
	diag_result_done(&r[1]);
}
END_TEST

static Suite *
diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc;

	tc = tcase_create("crlf-corpus");
	tcase_add_loop_test(tc, test_scan, 0, sizeof(fcases) / sizeof(fcases[0]));
	tcase_add_loop_test(tc, test_fix_buf, 0,
			    sizeof(fcases) / sizeof(fcases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("crlf-files");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, test_fix_file);
	tcase_add_test(tc, test_symlink_refused);
	tcase_add_test(tc, test_crlf_check);
	tcase_add_loop_test(tc, test_proc_checks, 0,
			    sizeof(pcases) / sizeof(pcases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("runner");
	tcase_add_loop_test(tc, test_ids, 0, sizeof(idcases) / sizeof(idcases[0]));
	tcase_add_test(tc, test_needs_skip);
	tcase_add_test(tc, test_registry);
	tcase_add_test(tc, test_json);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(diag_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
