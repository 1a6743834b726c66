#!/usr/bin/env python3
"""Write the map outline of Great Britain, Ireland and the nearby islands that maps.py draws.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/make_outline.py package/countries-10m.json

reads Natural Earth's 1:10m Admin 0 country boundaries (version 4.1.0, public domain) as
redistributed in the npm package world-atlas 2.0.2 (TopoJSON, ISC licence), keeps the United
Kingdom, Ireland, the Isle of Man, Jersey and Guernsey, drops islands smaller than a few
square kilometres, simplifies each coastline (Douglas-Peucker, about 400 m) and writes
``src/projarchive/data/outline-gb-ie.json``: longitude/latitude rings, rounded to 0.001°. Run
once; the result is committed with its attribution (``src/projarchive/data/README.md``), and no
build ever fetches anything. Deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import json
import math
import os
import sys

from projarchive import maps  # the same simplification and area as the maps are drawn with

COUNTRIES = {"826": "United Kingdom", "372": "Ireland", "833": "Isle of Man", "832": "Jersey", "831": "Guernsey"}
TOLERANCE = 0.004  # degrees of latitude (about 450 m)
MIN_AREA = 0.0015  # square degrees (after scaling longitudes): smaller islands are left out
LAT0 = math.cos(math.radians(54.5))  # longitudes are scaled by this when measuring, as maps.py draws them
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "projarchive", "data", "outline-gb-ie.json")


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        out.extend(arc[1:] if out else arc)
    return out


def scaled(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes scaled as maps.py draws them, so distances and areas are measured as drawn."""
    return [(x * LAT0, y) for x, y in points]


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """maps.py's Douglas-Peucker, measuring in scaled longitude and latitude."""
    return [(x / LAT0, y) for x, y in maps._simplify(scaled(points), tolerance)]


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        topology = json.load(f)
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") not in COUNTRIES:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = []
        for polygon in polygons:
            outer = ring(arcs, polygon[0])  # holes (lakes) are not drawn
            if maps._area(scaled(outer)) < MIN_AREA and geometry["id"] in ("826", "372"):
                continue
            simple = simplify(outer, TOLERANCE)
            if len(simple) >= 4:
                rings.append([[round(x, 3), round(y, 3)] for x, y in simple])
        rings.sort(key=lambda r: (-len(r), r[0]))
        features.append({"id": geometry["id"], "name": COUNTRIES[geometry["id"]], "rings": rings})
    features.sort(key=lambda f: f["id"])
    data = {
        "source": "Natural Earth 1:10m Admin 0 - Countries, version 4.1.0 (public domain), via the npm package "
                  "world-atlas 2.0.2 (ISC licence); simplified by scripts/make_outline.py",
        "features": features,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {sum(len(r) for ft in features for r in ft['rings'])} points, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
