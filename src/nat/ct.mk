# src/nat conntrack engine (issue 3): dump, events, delete, stats.
