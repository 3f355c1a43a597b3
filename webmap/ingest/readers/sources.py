"""Opening a reader's input: a path or a binary stream, peeked without loss.

Readers must work on uploads (a stream that cannot be reopened or seeked) as
well as on files, so format detection looks at the first bytes and then hands
the same bytes back to the parser instead of seeking.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from .records import ReaderError

Source = str | os.PathLike[str] | BinaryIO

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Bytes that may parse into a NUL or a lone surrogate (JSON escapes).
_UNSAFE = re.compile(rb"\x00|\\u0000|\\u[dD][89a-fA-F]")


class _Prefixed(io.RawIOBase):
    """Replays already-read bytes, then reads on from the wrapped stream.

    Closing it does not close the wrapped stream: that belongs to the caller.
    """

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest
        self.consumed = 0  # bytes handed out so far, for error positions
        self.dirty = False  # bytes that may parse into NUL/surrogates were seen
        self._tail = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
        else:
            data = self._rest.read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self.consumed += n
        if n and not self.dirty:
            window = self._tail + bytes(buffer[:n])
            self.dirty = _UNSAFE.search(window) is not None
            self._tail = window[-5:]
        return n


class Peeked:
    """A binary stream whose first bytes (``head``) are already known."""

    def __init__(self, stream: BinaryIO, head_size: int) -> None:
        head = b""
        while len(head) < head_size:  # a raw stream may return short reads
            chunk = stream.read(head_size - len(head))
            if not chunk:
                break
            head += chunk
        self.head = head
        self._raw = _Prefixed(head, stream)
        self.stream: BinaryIO = io.BufferedReader(self._raw, buffer_size=1 << 16)

    @property
    def dirty(self) -> bool:
        """Whether the bytes read so far may put a NUL into a parsed value.

        A record is parsed only after all its bytes were read, so a record
        parsed while this is False cannot contain NUL and needs no cleaning.
        """
        return self._raw.dirty

    @property
    def consumed(self) -> int:
        """Bytes taken from the source so far (a chunk boundary, not exact)."""
        return self._raw.consumed


@contextmanager
def open_source(source: Source, head_size: int = 1 << 16) -> Iterator[Peeked]:
    """Open a path, or wrap a caller's binary stream, and peek at its head.

    Raises ReaderError("empty file") when there is nothing but whitespace and
    BOMs in the head (a file whose head is blank but which has more data later
    is not empty: only a blank head *and* a short file count).
    """
    with contextlib.ExitStack() as stack:
        if isinstance(source, (str, os.PathLike)):
            try:
                handle: BinaryIO = stack.enter_context(open(source, "rb"))
            except OSError as exc:
                raise ReaderError(f"cannot open file: {exc.strerror or exc}") from exc
        elif isinstance(source, io.TextIOBase):
            raise TypeError("pass a binary stream (open(path, 'rb')), not a text stream")
        else:
            handle = source  # the caller's: left open
        peeked = Peeked(handle, head_size)
        if len(peeked.head) < head_size and not strip_boms(peeked.head).strip():
            raise ReaderError("empty file")
        yield peeked


def strip_boms(data: bytes) -> bytes:
    """The bytes without a leading UTF-8 or UTF-16 byte-order mark."""
    if data.startswith(UTF8_BOM):
        return data[3:]
    if data[:2] in UTF16_BOMS:
        return data[2:].replace(b"\x00", b"")
    return data
