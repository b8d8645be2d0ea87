# unit tests of the conntrack engine and the filter language (issue 3).
