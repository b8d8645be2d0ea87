-- SPDX-License-Identifier: GPL-3.0-or-later
-- 004: the conntrack timeouts a revision put in force, so that a rollback
-- (and the revert of an unconfirmed apply) brings them back with the
-- rules.  timeouts: the stored settings at the apply, as the words of
-- `timeouts set` ("tcp-established 7200 udp-unreplied 60"; "" when masqsh
-- set none); NULL on rows written before, whose timeouts are unknown (a
-- rollback to one leaves the timeouts as they are).
ALTER TABLE revisions ADD COLUMN timeouts TEXT;
