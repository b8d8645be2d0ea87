-- SPDX-License-Identifier: GPL-3.0-or-later
-- 003: what `revisions`, `rollback` and `apply confirm` need to know about
-- each applied revision.
--
-- deadline: unix time by which a pending revision (status 'pending') must
-- be confirmed, else it is reverted; NULL when no confirmation was asked.
-- prev: the revision that ran before this one (what a revert goes back
-- to); NULL for the first.  origin: what made it ("apply", "apply confirm
-- 60", "rollback to 3", "revert of 5 (not confirmed)", or NULL for rows
-- written by older code).  user: who ran it.  rule_ids: the store ids of
-- the rules, one per line of the rules script, space-separated, so a
-- rollback re-stages them under the same ids.
ALTER TABLE revisions ADD COLUMN deadline INTEGER;
ALTER TABLE revisions ADD COLUMN prev INTEGER;
ALTER TABLE revisions ADD COLUMN origin TEXT;
ALTER TABLE revisions ADD COLUMN user TEXT;
ALTER TABLE revisions ADD COLUMN rule_ids TEXT;
CREATE INDEX revisions_pending ON revisions (status) WHERE status = 'pending';
