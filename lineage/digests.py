"""Content digests: the keys of the scan cache and the fingerprints a store keeps per source."""

from __future__ import annotations

import hashlib
import json
import zlib


def text_digest(text: str) -> str:
    """sha256 of the text's UTF-8 bytes: the file's own hash, as `sha256sum` prints it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest(*parts: object) -> str:
    """A stable key for `parts`; texts are hashed as they are (JSON-escaping 40 MB of SQL is slow),
    anything else as sorted JSON, each part tagged and length-prefixed so parts cannot run together."""
    chunks = []
    for part in parts:
        # str and None inline (every cache key and fingerprint): a re-scan takes ~20,000 digests
        if isinstance(part, str):
            data = part.encode("utf-8")
            chunks.append(b"s%d:%s" % (len(data), data))
        else:
            data = b"null" if part is None else _JSON(part).encode("utf-8")
            chunks.append(b"j%d:%s" % (len(data), data))
    # one update of the joined bytes hashes what one update per part did, at a third of the cost
    return hashlib.sha256(b"".join(chunks)).hexdigest()


# `json.dumps` with options builds a new encoder per call, twice the cost of encoding small parts
_JSON = json.JSONEncoder(sort_keys=True, default=str).encode


def sealed(text: str) -> str:
    """`text` (one line) behind its CRC-32: `crc TAB text`, as the store and the scan cache write
    each record, so a truncated, edited or flipped record is found when it is read back."""
    return f"{zlib.crc32(text.encode('utf-8')):08x}\t{text}"


def intact(line: bytes) -> bool:
    """Whether a `sealed` line (as bytes, without its newline) still holds what its checksum was taken of."""
    try:
        # a view, not a slice: no copy of each line (26 MB of scan cache at 10,000 models)
        return line[8:9] == b"\t" and int(line[:8], 16) == zlib.crc32(memoryview(line)[9:])
    except ValueError:
        return False
