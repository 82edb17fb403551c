"""Following a case without an account: its number and a progress code (issue 17), as the
national 12333 platform lets anyone follow an application by its serial number."""
