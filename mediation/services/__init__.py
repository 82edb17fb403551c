"""Operations: every change to the data goes through a function here.

Services flush but never commit: the request (or CLI command) that called them commits once
at the end, so a failure anywhere rolls the whole operation back.
"""
