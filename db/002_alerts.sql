-- SPDX-License-Identifier: GPL-3.0-or-later
-- 002: alerts raised by `masqsh engine` (table fill, port budgets,
-- insert failures, re-apply failures).
--
-- A row is active while cleared_at is NULL; the engine clears it when the
-- condition ends, so the table is also the history that `show alerts all`
-- prints.  At most one active alert per (kind, key): a condition that
-- persists refreshes its message instead of adding rows.  host is the
-- inside host named as the culprit, when there is one.
CREATE TABLE alerts (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	raised_at INTEGER NOT NULL,
	cleared_at INTEGER,
	kind TEXT NOT NULL CHECK (kind <> ''),
	key TEXT NOT NULL,
	message TEXT NOT NULL,
	host TEXT
);
CREATE UNIQUE INDEX alerts_active ON alerts (kind, key)
	WHERE cleared_at IS NULL;
