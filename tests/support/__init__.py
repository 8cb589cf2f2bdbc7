"""Helpers for this project's own tests, kept out of the installed package: the system's
PostgreSQL as a second major version (``systempg``) and scratch SQLite files (``testing``)."""
