"""The application's hand-written schemas: one SQLAlchemy ``MetaData`` per dialect.

``schemas.domain`` loads ``domain.yaml``; ``schemas.sqlite`` and ``schemas.postgres`` take every
table and column name from it, so a name that is not in the domain fails at import time.
"""
