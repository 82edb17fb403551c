"""Printable and PDF documents: agreements, notices and certificates handed to the parties.

The renderers here are pure: they take values that the app has already translated and
formatted, and return bytes. They touch neither the database nor the request.
"""
