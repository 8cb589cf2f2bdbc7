"""Which characters SQLite's own unicode61 tokenizer makes token characters, asked of the SQLite
library this process links on an in-memory database (never a database being checked).

unicode61 classifies a character outside ASCII by SQLite's own table of Unicode categories
(``fts5_unicode2.c``), of a Unicode version other than Python's: on SQLite 3.40 against Python
3.11's ``unicodedata`` (Unicode 14), 3,239 code points get another verdict under the default
categories (those assigned since SQLite's table was made: SQLite files them under no category,
and a character of no category is a token character under any categories list), so
``unicodedata`` cannot say what SQLite reads (stranger68 007). SQLite itself is asked instead:
each character alone in a row of an FTS5 table under the tokenizer in question, a token
character exactly when fts5vocab lists a term in its row (``remove_diacritics 0``, so that no
character folds into nothing).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from functools import cache


@cache
def token_characters(arguments: tuple[str, ...], chars: str) -> str | None:
    """Those of ``chars`` that SQLite's unicode61 tokenizer with argument words ``arguments``
    (unquoted; ``remove_diacritics`` is given as 0 here) makes token characters, in the order
    of ``chars``; None where SQLite refuses the arguments or has no FTS5 (the caller then keeps
    what it was told as written). Why: what ``tokenchars`` or ``separators`` change depends on
    SQLite's classification of each character, which only SQLite knows."""
    words = ["unicode61", "remove_diacritics", "0", *arguments]
    tokenize = " ".join("'" + w.replace("'", "''") + "'" for w in words)
    with closing(sqlite3.connect(":memory:")) as conn:
        try:
            conn.execute(
                "CREATE VIRTUAL TABLE f USING fts5(b, tokenize = "
                + "'"
                + tokenize.replace("'", "''")
                + "')"
            )
            conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, instance)")
            conn.executemany("INSERT INTO f (rowid, b) VALUES (?, ?)", enumerate(chars, 1))
            rows = {int(doc) for (doc,) in conn.execute("SELECT DISTINCT doc FROM v")}
        except (sqlite3.Error, UnicodeError):
            return None
    return "".join(c for n, c in enumerate(chars, 1) if n in rows)
