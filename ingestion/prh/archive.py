"""The all_companies ZIP guards: one JSON member, safe names, a cap on uncompressed bytes and JSON depth,
and a split point at a company boundary for parsing the dump in two halves.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import ijson
import numpy as np

from ingestion.errors import SourceError
from ingestion.http import CHUNK_BYTES
from ingestion.prh.schemas import SOURCE, ZIP_FILE

SPLIT_CANDIDATE = re.compile(rb'\}\s*,\s*(\{\s*"businessId")')
# A company record nests ~6 levels; deeper is hostile or broken (and ijson's prefixes grow with depth squared).
MAX_JSON_DEPTH = 64
_STEP = np.zeros(256, np.int32)
_STEP[list(b"[{")], _STEP[list(b"]}")] = 1, -1


def _unsafe_member(name: str) -> bool:
    parts = re.split(r"[\\/]", name)
    return name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) is not None or ".." in parts


def json_member(archive: zipfile.ZipFile, where: str, max_uncompressed: int) -> zipfile.ZipInfo:
    """The one JSON member of the dump; refuses unsafe paths, missing or extra members and oversize."""
    infos = archive.infolist()
    for info in infos:
        if _unsafe_member(info.filename):
            raise SourceError(
                SOURCE, f"ZIP member {info.filename}", where, "member path is absolute or leaves its folder"
            )
    files = [i for i in infos if not i.is_dir()]
    names = [i.filename for i in files]
    members = [i for i in files if i.filename.lower().endswith(".json")]
    if len(files) != 1 or len(members) != 1:
        raise SourceError(SOURCE, "ZIP members", names, f"expected exactly one JSON member in {where}")
    member = members[0]
    if member.file_size > max_uncompressed:
        raise SourceError(
            SOURCE,
            f"ZIP member {member.filename}",
            member.file_size,
            f"unpacks beyond the cap of {max_uncompressed} bytes",
        )
    return member


class _CappedReader:
    """A file wrapper that stops reading past `cap` decompressed bytes or `MAX_JSON_DEPTH` levels of nesting."""

    def __init__(self, raw: IO[bytes], cap: int, member: str) -> None:
        self.raw = raw
        self.cap = cap
        self.member = member
        self.read_bytes = 0
        self.depth = 0
        self.in_string = 0
        self.backslashes = b""

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.read_bytes += len(chunk)
        if self.read_bytes > self.cap:
            raise SourceError(
                SOURCE, f"ZIP member {self.member}", f"> {self.cap} bytes", "decompressed size exceeds the cap"
            )
        self._check_depth(chunk)
        return chunk

    def _check_depth(self, chunk: bytes) -> None:
        """Track bracket depth outside strings, vectorised (escapes paired off first; a trailing run waits)."""
        data = self.backslashes + chunk
        kept = data.rstrip(b"\\")
        self.backslashes = data[len(kept) :]
        codes = np.frombuffer(kept.replace(b"\\\\", b"__").replace(b'\\"', b"__"), np.uint8)
        if not len(codes):
            return
        quotes = np.cumsum(codes == ord('"'), dtype=np.int32) + self.in_string
        depths = self.depth + np.cumsum(_STEP[codes] * (1 - (quotes & 1)), dtype=np.int32)
        deepest = int(depths.max())
        self.depth, self.in_string = int(depths[-1]), int(quotes[-1] & 1)
        if deepest > MAX_JSON_DEPTH:
            raise SourceError(
                SOURCE,
                f"ZIP member {self.member}",
                f"depth {deepest} by byte {self.read_bytes}",
                f"JSON nested deeper than {MAX_JSON_DEPTH}",
            )


class _Window:
    """Bytes [start, stop) of a stream between `head` and `tail`: one half of the array as an array."""

    def __init__(self, raw: IO[bytes], start: int, stop: int | None, head: bytes, tail: bytes) -> None:
        self.raw = raw
        self.position = 0
        self.start = start
        self.stop = stop
        self.pending = head
        self.tail = tail
        self.done = False

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        size = size if size > 0 else CHUNK_BYTES
        while self.position < self.start:
            skipped = self.raw.read(min(CHUNK_BYTES, self.start - self.position))
            if not skipped:
                break
            self.position += len(skipped)
        out, self.pending = self.pending, b""
        if not self.done and len(out) < size:
            want = size - len(out)
            if self.stop is not None:
                want = min(want, self.stop - self.position)
            chunk = self.raw.read(want) if want > 0 else b""
            self.position += len(chunk)
            out += chunk
            if self.stop is not None and self.position >= self.stop:
                self.done = True
                out += self.tail
            elif not chunk:
                self.done = True
        if len(out) > size:
            out, self.pending = out[:size], out[size:]
        return out


Window = tuple[int, int | None, bytes, bytes]


def iter_companies(zip_path: Path, max_uncompressed: int, window: Window | None = None) -> Iterator[dict[str, Any]]:
    """Every company record of the dump (or of one `window` of it), one at a time, never the whole array."""
    where = zip_path.name
    try:
        with zipfile.ZipFile(zip_path) as archive:
            member = json_member(archive, where, max_uncompressed)
            with archive.open(member) as raw:
                reader = _CappedReader(raw, max_uncompressed, member.filename)
                source: Any = _Window(reader, *window) if window else reader
                try:
                    yield from ijson.items(source, "item", use_float=True)
                except ijson.JSONError as exc:
                    raise SourceError(
                        SOURCE, f"ZIP member {member.filename}", f"byte {reader.read_bytes}", f"invalid JSON ({exc})"
                    ) from exc
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise SourceError(SOURCE, ZIP_FILE, where, f"damaged or truncated ZIP ({exc})") from exc


def find_split(zip_path: Path, max_uncompressed: int, search_bytes: int = 64 * 1024**2) -> tuple[int, int] | None:
    """A likely boundary between two companies near the middle of the dump: (end of one, start of next).

    Only a candidate: `{"businessId"` could in principle sit inside a string. The first half is parsed
    as `[…]` ending exactly there, which is valid JSON only if the boundary is real; otherwise the
    caller falls back to one sequential pass.
    """
    with zipfile.ZipFile(zip_path) as archive:
        member = json_member(archive, zip_path.name, max_uncompressed)
        middle = member.file_size // 2
        with archive.open(member) as raw:
            position = 0
            while position < middle:
                skipped = raw.read(min(CHUNK_BYTES, middle - position))
                if not skipped:
                    return None
                position += len(skipped)
            carry = b""
            while position < middle + search_bytes:
                chunk = raw.read(CHUNK_BYTES)
                if not chunk:
                    return None
                window = carry + chunk
                match = SPLIT_CANDIDATE.search(window)
                offset = position - len(carry)
                if match:
                    return offset + match.start() + 1, offset + match.start(1)
                carry = window[-64:]
                position += len(chunk)
    return None


def check_archive(zip_path: Path, max_uncompressed: int) -> zipfile.ZipInfo:
    """Open the landed ZIP (its central directory proves it is complete) and vet its members."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            return json_member(archive, zip_path.name, max_uncompressed)
    except (zipfile.BadZipFile, EOFError) as exc:
        with zip_path.open("rb") as fh:
            head = fh.read(16)
        size = zip_path.stat().st_size
        raise SourceError(SOURCE, f"{ZIP_FILE} ({size} bytes)", head, f"damaged or truncated ZIP ({exc})") from exc
