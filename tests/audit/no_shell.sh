#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/audit/no_shell.sh - nothing masqsh or masqtop reads can reach a
# shell.  Three checks, each of which fails the test:
#   1. the installed programs import none of the functions that run a
#      command line or a program (system, popen, exec*, posix_spawn,
#      wordexp), as `nm -D` lists their undefined symbols, and define
#      none of them statically either;
#   2. the sources call exec*/fork only at the places allowed below,
#      each reviewed: a fixed argv, no shell, no string from input;
#   3. no source names /bin/sh (or bash) as a program to run.
# Run from make check (srcdir/builddir from the environment) or by hand
# from the top of a build tree.
set -uo pipefail

# make check exports top_srcdir and top_builddir (tests/local.mk); by
# hand, run it from the top of a build tree.
top_src=$(cd "${top_srcdir:-$(dirname "$0")/../..}" && pwd)
build=${top_builddir:-.}

# file:function, reviewed.  src/ctl/revision_timer.c starts the confirm
# timer: /proc/self/exe with argv { exe, "--db", realpath, "-c",
# "__confirm-timer <id>" }, the id a number it formatted itself.
# src/ctl/ha_run.c runs systemctl (is-active, try-restart, reload) and
# `conntrackd -C CONF -s` for diag ha: argv[0] from its fixed list of
# absolute paths, the other words ours or a path ha_paths_init() checked.
allowed=(
	"src/ctl/revision_timer.c:execv"
	"src/ctl/revision_timer.c:fork"
	"src/ctl/ha_run.c:execv"
	"src/ctl/ha_run.c:fork"
)

bad=0
fail() { echo "FAIL: $*"; bad=1; }

if ! command -v nm >/dev/null; then
	echo "SKIP: nm (binutils) is not installed"
	exit 77
fi

shellish='^(system|popen|execl|execlp|execle|execv|execvp|execvpe|execve|execveat|fexecve|posix_spawn|posix_spawnp|wordexp)(@|$)'
for prog in masqsh masqtop; do
	bin=$build/$prog
	if [ ! -x "$bin" ]; then
		fail "$prog: not built (looked in $build)"
		continue
	fi
	imports=$(nm -D --undefined-only "$bin" | awk '{print $NF}' |
		grep -E "$shellish" | sed 's/@.*//' | sort -u)
	# The confirm timer needs execv (masqtop links it from libmasq.a
	# too); anything else is new.
	imports=$(grep -vx 'execv' <<<"$imports")
	[ -z "$imports" ] || fail "$prog imports $(tr '\n' ' ' <<<"$imports")"
	defined=$(nm "$bin" 2>/dev/null | awk '$2 ~ /^[TtWw]$/ {print $3}' |
		grep -E "$shellish" || true)
	[ -z "$defined" ] || fail "$prog defines $(tr '\n' ' ' <<<"$defined")"
	[ $bad = 1 ] || echo "ok: $prog imports no shell or spawn function"
done

# 2. Calls in the sources, by file and function name.
while IFS= read -r hit; do
	file=${hit%%:*}
	rest=${hit#*:}
	line=${rest%%:*}
	code=${rest#*:}
	fn=$(grep -oE '\b(system|popen|exec[lv]p?e?|execveat|fexecve|fork|vfork|clone|posix_spawnp?|wordexp)\s*\(' <<<"$code" |
		head -n 1 | tr -d ' (')
	ok=no
	for a in "${allowed[@]}"; do
		[ "$a" = "$file:$fn" ] && ok=yes
	done
	[ $ok = yes ] || fail "$file:$line calls $fn: not on the reviewed list"
done < <(cd "$top_src" && grep -rnE '\b(system|popen|exec[lv]p?e?|execveat|fexecve|fork|vfork|clone|posix_spawnp?|wordexp)\s*\(' \
	--include='*.c' --include='*.h' src |
	grep -vE '^[^:]+:[0-9]+:\s*(/?\*|//)')
[ $bad = 1 ] || echo "ok: exec/fork only at the reviewed places"

# 3. A shell named as a program to run (crlf.h names "#!/bin/sh\r" in a
# comment about what it detects; comments are not code).  The one string
# allowed is the first line of the notify script src/ctl/ha_conf.c
# generates: keepalived runs that file, masqsh never does.
shells=$(cd "$top_src" || exit 1
	grep -rnE '"[^"]*/bin/(ba|da)?sh\b' --include='*.c' --include='*.h' src |
	grep -vE '^[^:]+:[0-9]+:.*/\*[^"]*"[^"]*/bin/' |
	grep -vE '^src/ctl/ha_conf\.c:[0-9]+:\s*strbuf_addf\(&b, "#!/bin/sh\\n"$')
[ -z "$shells" ] || fail "a shell is named in a string: $shells"
[ $bad = 1 ] || echo "ok: no source names a shell as a program"

exit $bad
