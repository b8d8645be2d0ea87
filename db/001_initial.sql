-- SPDX-License-Identifier: GPL-3.0-or-later
-- 001: the staged rules, settings and the history of applies.
--
-- rules: one row per staged rule, its canonical keyword text in spec (the
-- rule parser is the only reader).  kind 0 = masq, 1 = forward.  pos is the
-- 1-based order within a kind, kept dense by src/core/store.c.  ids are
-- AUTOINCREMENT so a deleted id is never handed out again: ids appear in
-- the comments of the loaded nftables rules and in conntrack listings.
CREATE TABLE rules (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind INTEGER NOT NULL CHECK (kind IN (0, 1)),
	pos INTEGER NOT NULL,
	spec TEXT NOT NULL CHECK (spec <> ''),
	created INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER))
);
CREATE UNIQUE INDEX rules_order ON rules (kind, pos);

CREATE TABLE settings (
	key TEXT PRIMARY KEY NOT NULL CHECK (key <> ''),
	value TEXT NOT NULL
);

-- revisions: every successful apply; rules is the staged rules as a
-- masqsh -f script, compiled the exact ruleset text that was loaded.
CREATE TABLE revisions (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	applied_at INTEGER NOT NULL,
	rules TEXT NOT NULL,
	compiled TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status <> '')
);
