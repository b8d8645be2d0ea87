# src/tui: masqtop (issue 3).
