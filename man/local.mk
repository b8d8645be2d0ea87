# man: builds nothing; the manual pages, installed and distributed as
# they are written.
dist_man_MANS += man/masqsh.8 man/masqsh-rules.5 man/masqtop.8
