# tests/tui: builds nothing; masqtop driven through a detached tmux pane
# inside a namespace, by run.sh (exit 77, with the reason, when not root
# or without tmux).
TESTS += tests/tui/run.sh
EXTRA_DIST += tests/tui
