# completions: builds nothing; the bash and zsh completions of masqsh and
# masqtop, installed as written.  They ask masqsh itself for candidates.
bashcompdir = $(datadir)/bash-completion/completions
dist_bashcomp_DATA = completions/masqsh completions/masqtop
zshcompdir = $(datadir)/zsh/vendor-completions
dist_zshcomp_DATA = completions/_masqsh completions/_masqtop
