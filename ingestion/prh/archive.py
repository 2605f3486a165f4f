"""The all_companies ZIP guards: one JSON member, safe names, a cap on uncompressed bytes and JSON depth,
checked on the bytes as they are unpacked (into parts for DuckDB, or for ijson).
"""

from __future__ import annotations

import queue
import re
import threading
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

# A company record nests ~6 levels; deeper is hostile or broken (and ijson's prefixes grow with depth squared).
MAX_JSON_DEPTH = 64
_STEP = np.zeros(256, np.int32)
_STEP[list(b"[{")], _STEP[list(b"]}")] = 1, -1
_BOUNDARY = re.compile(rb"\}\s*,")
# Every byte but brackets and quotes, deleted before depth is counted.
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')


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
        """Track bracket depth outside strings; a trailing run of backslashes waits for the next chunk."""
        data = self.backslashes + chunk
        kept = data.rstrip(b"\\")
        self.backslashes = data[len(kept) :]
        deepest, self.depth, self.in_string = scan_depth(kept, self.depth, self.in_string)
        if deepest > MAX_JSON_DEPTH:
            raise SourceError(
                SOURCE,
                f"ZIP member {self.member}",
                f"depth {deepest} by byte {self.read_bytes}",
                f"JSON nested deeper than {MAX_JSON_DEPTH}",
            )


def scan_depth(data: bytes, depth: int, in_string: int) -> tuple[int, int, int]:
    """The deepest bracket level in `data` and the (depth, in_string) after it, from the state before it.

    Escapes are paired off first. Only brackets and quotes matter, so the rest is deleted; two adjacent
    quotes (a string without brackets) are dropped too, which keeps the parity of every other quote.
    What is left, a few bytes per company, is counted with numpy.
    """
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    codes = np.frombuffer(data.translate(None, _NOT_STRUCTURE).replace(b'""', b""), np.uint8)
    if not len(codes):
        return depth, depth, in_string
    quotes = np.cumsum(codes == ord('"'), dtype=np.int32) + in_string
    depths = depth + np.cumsum(_STEP[codes] * (1 - (quotes & 1)), dtype=np.int32)
    return int(depths.max()), int(depths[-1]), int(quotes[-1] & 1)


class Unpacker:
    """Unpacks the dump's JSON member through the size and depth guards into part files (run in a thread).

    Each part is a JSON array of whole companies: after `part_bytes` the array is cut at the next
    `},` whose depth, counted by the guard itself, is the top level. Parts are handed over through
    `parts` (None after the last); `stop` ends the unpacking early. A guard's error is kept in `error`.
    """

    def __init__(self, zip_path: Path, folder: Path, max_uncompressed: int, part_bytes: int) -> None:
        self.zip_path = zip_path
        self.folder = folder
        self.max_uncompressed = max_uncompressed
        self.part_bytes = part_bytes
        self.parts: queue.Queue[Path | None] = queue.Queue(maxsize=2)
        self.error: SourceError | None = None
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        try:
            self._unpack()
        except SourceError as exc:
            self.error = exc
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            self.error = SourceError(SOURCE, ZIP_FILE, self.zip_path.name, f"damaged or truncated ZIP ({exc})")
        finally:
            self._hand_over(None)

    def _hand_over(self, part: Path | None) -> bool:
        """Queue a finished part (waiting for room); False once stopped."""
        while not self._stopped.is_set():
            try:
                self.parts.put(part, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _unpack(self) -> None:
        with zipfile.ZipFile(self.zip_path) as archive:
            member = json_member(archive, self.zip_path.name, self.max_uncompressed)
            with archive.open(member) as raw:
                reader = _CappedReader(raw, self.max_uncompressed, member.filename)
                number, written = 0, 0
                out = (self.folder / "part-0.json").open("wb")
                try:
                    while not self._stopped.is_set():
                        state = (reader.depth, reader.in_string, reader.backslashes)
                        chunk = reader.read(CHUNK_BYTES)
                        if not chunk:
                            break
                        cut = _top_level_cut(chunk, *state) if written >= self.part_bytes else None
                        if cut is None:
                            out.write(chunk)
                            written += len(chunk)
                            continue
                        out.write(chunk[: cut[0]] + b"]")
                        out.close()
                        if not self._hand_over(Path(out.name)):
                            return
                        number += 1
                        out = (self.folder / f"part-{number}.json").open("wb")
                        out.write(b"[" + chunk[cut[1] :])
                        written = len(chunk) - cut[1]
                finally:
                    out.close()
                if not self._stopped.is_set():
                    self._hand_over(Path(out.name))


def _top_level_cut(chunk: bytes, depth: int, in_string: int, backslashes: bytes) -> tuple[int, int] | None:
    """(end of a company, start of the next) in `chunk`: a `}` closing a top-level element, then `,`."""
    for number, match in enumerate(_BOUNDARY.finditer(chunk)):
        if number >= 64:
            return None
        _, after, inside = scan_depth(backslashes + chunk[: match.start() + 1], depth, in_string)
        if after == 1 and not inside:
            return match.start() + 1, match.end()
    return None


def iter_companies(zip_path: Path, max_uncompressed: int) -> Iterator[dict[str, Any]]:
    """Every company record of the dump, one at a time, never the whole array (the reference parse)."""
    where = zip_path.name
    try:
        with zipfile.ZipFile(zip_path) as archive:
            member = json_member(archive, where, max_uncompressed)
            with archive.open(member) as raw:
                reader = _CappedReader(raw, max_uncompressed, member.filename)
                try:
                    yield from ijson.items(reader, "item", use_float=True)
                except ijson.JSONError as exc:
                    raise SourceError(
                        SOURCE, f"ZIP member {member.filename}", f"byte {reader.read_bytes}", f"invalid JSON ({exc})"
                    ) from exc
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise SourceError(SOURCE, ZIP_FILE, where, f"damaged or truncated ZIP ({exc})") from exc


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
