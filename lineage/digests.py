"""Content digests: the keys of the scan cache and the fingerprints a store keeps per source."""

from __future__ import annotations

import hashlib
import json


def text_digest(text: str) -> str:
    """sha256 of the text's UTF-8 bytes: the file's own hash, as `sha256sum` prints it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest(*parts: object) -> str:
    """A stable key for `parts`; texts are hashed as they are (JSON-escaping 40 MB of SQL is slow),
    anything else as sorted JSON, each part tagged and length-prefixed so parts cannot run together."""
    hasher = hashlib.sha256()
    for part in parts:
        tag, data = (b"s", part.encode("utf-8")) if isinstance(part, str) else (b"j", json.dumps(part, sort_keys=True, default=str).encode("utf-8"))
        hasher.update(tag + str(len(data)).encode("ascii") + b":" + data)
    return hasher.hexdigest()
