"""Legal aid (法律援助): the worker asks, the platform passes the request on to the district's
legal-aid station."""
