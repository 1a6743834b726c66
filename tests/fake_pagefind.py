"""A stand-in for ``pagefind --service`` that is as slow to write as Pagefind 1.5.2 may be.

Pagefind 1.5.2 answers WriteFiles once it has created the index's files and queued their
contents for background threads; when its input ends it calls ``process::exit``, and what
was still queued is never written. Only when it stops reading for another reason (a message
that is not base64) does it return from ``main`` and complete the queued writes before it
exits (see ``projarchive.search.STOP``).

This fake takes that to the limit, so a client that trusts the reply fails every time, not
one run in twenty: it creates the files when asked to write, answers, and writes their
contents only when it exits normally. It speaks the protocol (base64 JSON messages ended by
commas) for the messages SiteIndexer sends, and writes a bundle shaped like Pagefind's: one
fragment per page, ``pagefind-entry.json`` and a meta file with no filters.

Run as ``python fake_pagefind.py --service``; ``tests/test_search.py`` makes a wrapper for it.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import sys

from projarchive import cbor

SIGNATURE = b"pagefind_dcd"
pending: list[tuple[object, bytes]] = []  # (open file, contents) written only at a normal exit


def reply(message_id: int | None, payload: dict) -> None:
    data = json.dumps({"message_id": message_id, "payload": payload}).encode()
    sys.stdout.buffer.write(base64.b64encode(data) + b",")
    sys.stdout.buffer.flush()


def create(path: str, contents: bytes) -> None:
    """Create (truncate) the file now, as Pagefind does before it answers; fill it only at exit."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pending.append((open(path, "wb"), contents))  # noqa: SIM115 - closed at exit, on purpose


def pf(value: object) -> bytes:
    return gzip.compress(SIGNATURE + cbor.dumps(value), mtime=0)


def write_files(pages: dict[str, str], bundle: str) -> None:
    for n, (url, words) in enumerate(sorted(pages.items())):
        fragment = json.dumps({"url": url, "content": words}).encode()
        create(os.path.join(bundle, "fragment", f"en_{n:07d}.pf_fragment"), gzip.compress(SIGNATURE + fragment))
    entry = {"version": "1.5.2", "languages": {"en": {"hash": "en_fake", "wasm": None, "page_count": len(pages)}}}
    create(os.path.join(bundle, "pagefind-entry.json"), json.dumps(entry).encode())
    create(os.path.join(bundle, "pagefind.en_fake.pf_meta"), pf(["1.5.2", [], [], []]))
    create(os.path.join(bundle, "pagefind.js"), b"// the search API\n")


def main() -> None:
    pages: dict[str, str] = {}
    stdin = sys.stdin.buffer
    while True:
        message = b""
        while not message.endswith(b","):
            byte = stdin.read(1)
            if not byte:  # end of input: exit at once, as Pagefind does; what is pending is lost
                os._exit(0)
            message += byte
        try:
            request = json.loads(base64.b64decode(message[:-1], validate=True))
        except ValueError:  # not base64: stop reading, complete the writes, exit normally
            reply(None, {"type": "Error", "original_message": None, "message": "Unparseable message"})
            break
        message_id, payload = request["message_id"], request["payload"]
        kind = payload["type"]
        if kind == "NewIndex":
            reply(message_id, {"type": "NewIndex", "index_id": 0})
        elif kind == "AddFile":
            words = " ".join(payload["file_contents"].split())
            pages[payload["url"]] = words
            reply(message_id, {"type": "IndexedFile", "page_word_count": len(words.split()),
                               "page_url": payload["url"], "page_meta": {}})
        elif kind == "WriteFiles":
            write_files(pages, payload["output_path"])
            reply(message_id, {"type": "WriteFiles", "output_path": payload["output_path"]})
        else:
            reply(message_id, {"type": "Error", "original_message": None, "message": f"fake: no {kind}"})
    for file, contents in pending:
        file.write(contents)
        file.close()
    sys.stdout.buffer.write(base64.b64encode(b"null") + b",")  # Pagefind 1.5.2 sends these until it exits


if __name__ == "__main__":
    main()
