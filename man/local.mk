# man pages
dist_man_MANS += man/masqsh.8 man/masqsh-rules.5 man/masqtop.8
