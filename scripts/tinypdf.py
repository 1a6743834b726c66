"""Small, real PDF files for benchmarks and tests (no dependency: the PDF syntax is written here).

``tiny_pdf(3)`` has three blank pages; ``tiny_pdf(3, "x")`` puts "x page N" on each page, so
every labelled document has different bytes (and a different content hash).
"""

from __future__ import annotations


def tiny_pdf(pages: int, label: str | None = None) -> bytes:
    """A valid PDF with ``pages`` A4 pages, blank or with one line of text naming the page."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]  # the page tree (2) is filled in below
    resources = ""
    if label is not None:
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        resources = f" /Resources << /Font << /F1 {len(objects)} 0 R >> >>"
    kids = []
    for i in range(pages):
        contents = ""
        if label is not None:
            stream = f"BT /F1 18 Tf 72 720 Td ({label} page {i + 1}) Tj ET"
            objects.append(f"<< /Length {len(stream.encode())} >>\nstream\n{stream}\nendstream")
            contents = f" /Contents {len(objects)} 0 R"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]{contents}{resources} >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>"
    return serialise(objects)


def serialise(objects: list[str]) -> bytes:
    """Numbered objects (1, 2, …), a cross-reference table and a trailer whose root is object 1."""
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
