"""JSON API v1 (DESIGN.md §6): Bearer tokens, the same services and policy as the pages."""
