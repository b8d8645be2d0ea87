# src/diag: FAQ checks (issue 4).
