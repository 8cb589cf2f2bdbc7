"""Cutting a psql script into what a driver can run: runs of plain SQL, COPY blocks, and the
extensions it asks for; dropping what psql alone does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from twinschema.errors import UsageError
from twinschema.sources.sqlfile.psql_extensions import Extension, read_extension
from twinschema.sources.sqlfile.psql_pieces import Copy, Piece, Run
from twinschema.sources.sqlfile.psql_statements import classify
from twinschema.sources.sqlfile.text import LineIndex


@dataclass
class _Script:
    """A psql script cut into what a driver runs, and the extensions it asks for."""

    pieces: list[Piece]
    extensions: list[Extension]


# At most this many statements go in one ``execute``: a multi-statement query is one implicit
# transaction, which holds a lock on every object it creates until it ends, and a long DDL file
# in one transaction runs out of the server's lock table ("out of shared memory").
_BATCH = 100

_TRANSACTION = re.compile(
    r"(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION)\b",
    re.IGNORECASE,
)
_SCS = re.compile(
    r"SET\s+(SESSION\s+)?standard_conforming_strings\s*(=|TO)\s*'?(?P<value>on|off)'?",
    re.IGNORECASE,
)
# Settings that change how the server reads the statements after them: the server parses a whole
# multi-statement query before running any of it, so a run ends after such a statement.
_LEXICAL_SETTING = re.compile(
    r"SET\s+(SESSION\s+)?(standard_conforming_strings|client_encoding|backslash_quote)\b"
    r"|SET\s+(SESSION\s+)?NAMES\b"
    r"|SELECT\s+(pg_catalog\.)?set_config\s*\(\s*'(standard_conforming_strings|client_encoding)'",
    re.IGNORECASE,
)

# psql meta-commands: skipped because the scratch database replaces the file's own database...
_SKIPPED_META = frozenset({"c", "connect"})
# ...or ignored because they only change psql's display or its variables.
# \restrict KEY / \unrestrict KEY (pg_dump 13.22, 14.19, 15.14, 16.10, 17.6 and later) only stop
# psql from running other meta-commands in between: nothing to do when none is run.
_IGNORED_META = frozenset(
    {
        "set",
        "unset",
        "pset",
        "timing",
        "echo",
        "qecho",
        "warn",
        "encoding",
        "restrict",
        "unrestrict",
    }
)

_SPECIAL = re.compile(r"['\"$;\\]|--|/\*")
_NONSPACE = re.compile(r"\S")
_STD_STRING = re.compile(r"'[^']*(?:''[^']*)*'")
_ESC_STRING = re.compile(r"'[^'\\]*(?:(?:\\.|'')[^'\\]*)*'", re.DOTALL)
_QUOTED_NAME = re.compile(r"\"[^\"]*(?:\"\"[^\"]*)*\"")
_DOLLAR_TAG = re.compile(r"\$([^\W\d]\w*)?\$")
_COMMENT_EDGE = re.compile(r"/\*|\*/")
_META = re.compile(r"\\([A-Za-z]+|[^A-Za-z\s])")
_COPY_END = re.compile(r"^\\\.[ \t]*\r?$", re.MULTILINE)


def split_psql_script(text: str, label: str) -> _Script:
    """Cut a psql script into runs of plain SQL and COPY blocks, dropping what psql alone does.

    A lexer that knows PostgreSQL's quoting (strings, E'' strings, ``"names"``, ``$tag$`` bodies,
    nested comments, ``standard_conforming_strings = off``) finds statement ends and backslashes
    outside quotes, which psql reads as meta-commands. Statement boundaries are kept so that an
    error can be traced to its line. A run holds at most ``_BATCH`` statements. Statements the
    load role skips (``_SKIPPED_STATEMENT``, the file's own database) are blanked in their run;
    ``CREATE EXTENSION`` statements are taken out, read, and returned apart.
    """
    splitter = _Splitter(text, label)
    splitter.split()
    return _Script(splitter.pieces, splitter.extensions)


class _Splitter:
    """One pass over a script: where it is (``pos``), where the statement being read began
    (``stmt_start``, None between statements), the run being filled, and what was cut so far."""

    def __init__(self, text: str, label: str) -> None:
        self.text = text
        self.label = label
        self.lines = LineIndex(text)
        self.size = len(text)
        self.pieces: list[Piece] = []
        self.extensions: list[Extension] = []
        self.run = Run(0, 0)
        self.stmt_start: int | None = None
        self.scs = True  # standard_conforming_strings: backslashes are plain in '' strings
        self.pos = 0

    def split(self) -> None:
        """Read the whole script: each token that may end a statement, open a quote or start a
        meta-command is found by one search; the text between is skipped at C speed."""
        text, size = self.text, self.size
        while self.pos < size:
            match = _SPECIAL.search(text, self.pos)
            stop = match.start() if match else size
            if self.stmt_start is None:
                code = _NONSPACE.search(text, self.pos, stop)
                if code:
                    self.stmt_start = code.start()
            if not match:
                break
            token = match.group()
            here = match.start()
            if token == ";":
                self.pos = here + 1
                if self.stmt_start is not None:
                    self._statement(here)
            elif token == "\\":  # outside quotes: a psql meta-command, to the end of the line
                self._meta_command(here)
            else:
                if token in ("'", '"', "$") and self.stmt_start is None:
                    self.stmt_start = here
                self.pos = self._skip(token, here)
        if self.stmt_start is not None:  # a last statement without its semicolon
            self._last_statement()
        self._close_run(size, size)

    def _skip(self, token: str, here: int) -> int:
        """The offset after the string, quoted name, dollar-quoted body or comment that
        ``token`` opens at ``here``."""
        if token == "'":
            return self._string_end(here)
        if token == '"':
            found = _QUOTED_NAME.match(self.text, here)
            return found.end() if found else self.size
        if token == "$":
            return self._dollar_end(here)
        if token == "--":
            newline = self.text.find("\n", here)
            return newline + 1 if newline >= 0 else self.size
        return _skip_block_comment(self.text, here)  # "/*"

    def _string_end(self, here: int) -> int:
        """After the string literal at ``here``: an E'' string (or any string, with
        standard_conforming_strings off) takes backslash escapes."""
        text = self.text
        escaped = not self.scs or (
            here > 0 and text[here - 1] in "eE" and (here < 2 or not _is_word(text[here - 2]))
        )
        found = (_ESC_STRING if escaped else _STD_STRING).match(text, here)
        return found.end() if found else self.size

    def _dollar_end(self, here: int) -> int:
        """After the ``$tag$`` body at ``here``; a ``$`` that opens none (``$1``, ``a$b``) is one
        character."""
        text = self.text
        tag = _DOLLAR_TAG.match(text, here)
        if tag and not (here > 0 and (_is_word(text[here - 1]) or text[here - 1] == "$")):
            close = text.find(tag.group(), tag.end())
            return close + len(tag.group()) if close >= 0 else self.size
        return here + 1

    def _close_run(self, end: int, restart: int) -> None:
        """End the run being filled at ``end`` (kept if it holds anything) and start the next
        at ``restart``."""
        if self.run.statements or self.stmt_start is not None:
            self.run.end = end
            self.pieces.append(self.run)
        self.run = Run(restart, restart)

    def _statement(self, here: int) -> None:
        """The statement from ``stmt_start`` to the semicolon at ``here``: into the run, skipped,
        alone in a run of its own, or a COPY with its data."""
        assert self.stmt_start is not None
        begin = self.stmt_start
        statement = self.text[begin:here]
        kind = classify(statement)
        if kind == "extension":
            found = read_extension(statement, begin, self.label, self.lines)
            if found is None:
                kind = "sql"  # CREATE LANGUAGE with a HANDLER: the load role runs it
            else:
                self.extensions.append(found)
                kind = "skip"
        if kind == "sql":
            self._plain(statement, begin)
        elif kind == "skip":
            self.run.skipped.append((begin, self.pos))
        elif kind == "alone":
            self.stmt_start = None
            self._close_run(begin, begin)
            self.pieces.append(Run(begin, self.pos, [(begin, self.pos)]))
            self.run = Run(self.pos, self.pos)
        else:
            self.stmt_start = None
            self._close_run(begin, begin)
            self._copy(kind, statement, begin)
        self.stmt_start = None

    def _plain(self, statement: str, begin: int) -> None:
        """A plain SQL statement into the run; the run ends after a setting that changes how the
        server reads what follows, or when it is full."""
        run, pos = self.run, self.pos
        run.statements.append((begin, pos))
        if _TRANSACTION.match(statement):
            run.transaction_control = True
        scs_set = _SCS.match(statement)
        if scs_set:
            self.scs = scs_set["value"].lower() == "on"
        if _LEXICAL_SETTING.match(statement) or len(run.statements) >= _BATCH:
            self.stmt_start = None
            self._close_run(pos, pos)

    def _copy(self, kind: str, statement: str, begin: int) -> None:
        """A COPY: FROM stdin takes the data block after it, up to its ``\\.`` line."""
        text, size = self.text, self.size
        newline = text.find("\n", self.pos)
        data_start = newline + 1 if newline >= 0 else size
        if kind == "copy-out":
            self.pieces.append(Copy(begin, statement, "", data_start, to_stdout=True))
            self.pos = data_start
        else:
            end = _COPY_END.search(text, data_start)
            data_end = end.start() if end else size
            self.pieces.append(Copy(begin, statement, text[data_start:data_end], data_start))
            self.pos = text.find("\n", end.end()) + 1 if end else size
            if self.pos == 0:
                self.pos = size
        self.run = Run(self.pos, self.pos)

    def _meta_command(self, here: int) -> None:
        """A backslash outside quotes at ``here``: a meta-command psql alone runs, skipped to the
        end of its line when it changes nothing the load needs, refused otherwise."""
        meta = _META.match(self.text, here)
        name = meta.group(1) if meta else ""
        line = self.lines.line(here)
        if name not in _SKIPPED_META and name not in _IGNORED_META:
            raise UsageError(
                f"{self.label}:{line}: psql meta-command \\{name} is not supported; run the file "
                "with psql into a database and pass its URL instead"
            )
        if self.stmt_start is not None and self.stmt_start < here:
            raise UsageError(
                f"{self.label}:{line}: psql meta-command \\{name} inside an unfinished statement "
                "is not supported; run the file with psql into a database and pass its URL "
                "instead"
            )
        self.stmt_start = None
        newline = self.text.find("\n", here)
        self.pos = newline + 1 if newline >= 0 else self.size
        self._close_run(here, self.pos)

    def _last_statement(self) -> None:
        """The statement after the last semicolon, when the file does not end with one."""
        assert self.stmt_start is not None
        begin, size = self.stmt_start, self.size
        statement = self.text[begin:size]
        kind = classify(statement)
        found = None
        if kind == "extension":
            found = read_extension(statement, begin, self.label, self.lines)
        if found is not None:
            self.extensions.append(found)
        if kind == "skip" or found is not None:
            self.run.skipped.append((begin, size))
        else:
            self.run.statements.append((begin, size))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _skip_block_comment(text: str, start: int) -> int:
    """The offset after the block comment opening at ``start`` (PostgreSQL nests them)."""
    depth = 0
    pos = start
    while True:
        edge = _COMMENT_EDGE.search(text, pos)
        if not edge:
            return len(text)
        depth += 1 if edge.group() == "/*" else -1
        pos = edge.end()
        if depth == 0:
            return pos
