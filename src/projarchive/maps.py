"""Maps drawn at build time: the places of a project (or of every project) as pins on an outline of
Great Britain and Ireland, as data for an inline, accessible SVG (``archive/partials/map.html``).

No tiles, no script, no request to another host: the outline is Natural Earth's (public domain),
simplified once by ``scripts/make_outline.py`` and shipped in ``data/outline-gb-ie.json``. A map
is only a picture of the table of places beside it, which is its text alternative: each pin is a
link, numbered as the table's rows are, named for screen readers by the places it stands for.

Projection: longitude scaled by cos 54.5° and latitude as it is (equirectangular about the
middle of Britain), which is close enough at this scale and keeps everything a few lines of code.
Places outside the outline's area are listed, not drawn.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass

COS = math.cos(math.radians(54.5))
AREA = (-11.0, 49.0, 2.5, 61.5)  # west, south, east, north: what the outline covers
WIDTH = 400.0  # SVG user units across; the height follows the area shown. Shown 343-480 px wide, so a
PIN_RADIUS = 14.0  # pin is at least 24 px across on a phone (WCAG 2.5.8, target size)
NEAR = 2.1 * PIN_RADIUS  # pins closer than this (in user units) would overlap
MIN_SPAN = 1.6  # degrees of latitude: a map of one town still shows the coast around it
MAX_SHIFT = NEAR * 2.25  # how far a pin may be moved off its place; past that it joins the nearest pin
LOCATOR_WIDTH = 72.0  # the small outline of Britain and Ireland that places a close-up map


@dataclass(frozen=True)
class Place:
    """Something to pin: a name for screen readers, where it is, where its pin leads."""

    number: int  # as in the table of places (1-based)
    name: str
    lat: float
    lon: float
    href: str  # a fragment (#site-1) or a source of the site (projects/x.md), resolved by the template


@dataclass(frozen=True)
class Pin:
    x: float  # where the pin is drawn
    y: float
    places: tuple[Place, ...]
    at_x: float | None = None  # where its place is, when the pin was moved off it to stay readable
    at_y: float | None = None

    @property
    def label(self) -> str:
        """What the pin shows: its number, or its two numbers (2, 4), or its first number and how
        many more it stands for (2 +5) (its name lists them all)."""
        numbers = [p.number for p in self.places]
        if len(numbers) > 2:
            return f"{numbers[0]} +{len(numbers) - 1}"
        return ", ".join(map(str, numbers))

    @property
    def width(self) -> float:
        return pin_width(self.label)

    @property
    def moved(self) -> bool:
        return self.at_x is not None

    @property
    def name(self) -> str:
        """The pin's accessible name: the places it stands for."""
        if len(self.places) == 1:
            p = self.places[0]
            return f"{p.number}: {p.name}"
        return "; ".join(f"{p.number}: {p.name}" for p in self.places)

    @property
    def href(self) -> str:
        return self.places[0].href


def pin_width(label: str) -> float:
    """How wide a pin is drawn for its label: round for one or two digits, longer for more."""
    return max(2 * PIN_RADIUS, 8.5 * len(label) + 12)


@dataclass(frozen=True)
class Locator:
    """A small outline of Britain and Ireland in a corner of a close-up map, the area shown marked."""

    box: tuple[float, float, float, float]  # x, y, width, height on the map
    land: tuple[str, ...]  # SVG path data, already in map units
    frame: tuple[float, float, float, float]  # x, y, width, height of the area shown


@dataclass(frozen=True)
class MapModel:
    width: float
    height: float
    land: tuple[str, ...]  # SVG path data, one per country
    pins: tuple[Pin, ...]
    outside: tuple[Place, ...]  # places beyond the outline's area: in the table, not on the map
    frame: tuple[float, float, float, float] = AREA  # west, south, east, north: the area shown
    locator: Locator | None = None

    @property
    def shared(self) -> bool:
        """Whether some pin stands for more than one place."""
        return any(len(pin.places) > 1 for pin in self.pins)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


@functools.cache
def outline() -> tuple[tuple[str, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    """(country, rings of (lon, lat)) of the bundled outline."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "outline-gb-ie.json")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return tuple((ft["name"], tuple(tuple((x, y) for x, y in ring) for ring in ft["rings"])) for ft in data["features"])


def _inside(lat: float, lon: float) -> bool:
    west, south, east, north = AREA
    return west <= lon <= east and south <= lat <= north


def _frame(places: list[Place]) -> tuple[float, float, float, float]:
    """The area to show (west, south, east, north): every place with room around it, no narrower
    than MIN_SPAN, no taller than 1.1 times its width (a tall map pushes its table off the
    screen) nor wider than twice its height."""
    if not places:
        return AREA
    lats = [p.lat for p in places]
    lons = [p.lon for p in places]
    south, north = min(lats), max(lats)
    west, east = min(lons), max(lons)
    span_lat = max(north - south, MIN_SPAN / 1.3) * 1.3
    span_x = max((east - west) * COS * 1.3, MIN_SPAN * 0.9)
    span_lat = max(span_lat, span_x / 2.0)
    span_x = max(span_x, span_lat / 1.1)
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    frame = (mid_lon - span_x / COS / 2, mid_lat - span_lat / 2, mid_lon + span_x / COS / 2, mid_lat + span_lat / 2)
    # never show more than the outline covers
    full = AREA
    if frame[2] - frame[0] >= full[2] - full[0] or frame[3] - frame[1] >= full[3] - full[1]:
        return full
    return frame


def _clip(ring: Iterable[tuple[float, float]], box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of a ring inside ``box`` (x0, y0, x1, y1)."""
    points = list(ring)
    x0, y0, x1, y1 = box
    edges = ((lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
             (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
             (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
             (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)))
    for inside, cross in edges:
        if not points:
            break
        out = []
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
        points = out
    return points


def _cross_x(a: tuple[float, float], b: tuple[float, float], x: float) -> tuple[float, float]:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a: tuple[float, float], b: tuple[float, float], y: float) -> tuple[float, float]:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker in drawn units: a coast only as detailed as the map can show."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length if length else math.hypot(px - x1, py - y1)
            if d > worst:
                worst, index = d, i
        if worst > tolerance and index > 0:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _area(points: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))) / 2


def draw(places: list[Place], *, whole: bool = False) -> MapModel:
    """A map framing ``places`` (or all of Britain and Ireland, ``whole``): land, and a pin for the
    places inside the outline's area; places drawn closer than a pin's width share one pin."""
    inside = [p for p in places if _inside(p.lat, p.lon)]
    outside = tuple(p for p in places if not _inside(p.lat, p.lon))
    west, south, east, north = AREA if whole else _frame(inside)
    scale = WIDTH / ((east - west) * COS)
    height = round((north - south) * scale, 1)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - west) * COS * scale, (north - lat) * scale)

    margin = 0.3  # degrees: land just beyond the edge is kept so no coast ends inside the frame
    box = (west - margin, south - margin, east + margin, north + margin)
    land = []
    for _, rings in outline():
        d = []
        for ring in rings:
            clipped = _clip(ring, box)
            drawn = _simplify([project(x, y) for x, y in clipped], 0.7)
            if len(drawn) >= 3 and _area(drawn) >= 3:  # islands smaller than a few units are not drawn
                d.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in drawn) + "Z")
        if d:
            land.append("".join(d))
    if whole:
        pins = _share_pins(inside, project)
    else:  # laid out again, every pin given room for the widest label, until the labels fit
        reserve = 2 * PIN_RADIUS
        for _ in range(4):
            pins = _place_pins(inside, project, height, reserve)
            widest = max((pin.width for pin in pins), default=reserve)
            if widest <= reserve:
                break
            reserve = widest
    frame = (west, south, east, north)
    locator = None if whole or frame == AREA else _locator(frame, pins, WIDTH, height)
    return MapModel(WIDTH, height, tuple(land), tuple(pins), outside, frame, locator)


def _share_pins(inside: list[Place], project) -> list[Pin]:
    """Every project on one map: places that would overlap share a pin."""
    pins: list[Pin] = []
    for place in sorted(inside, key=lambda p: p.number):
        x, y = project(place.lon, place.lat)
        near = next((i for i, pin in enumerate(pins) if math.hypot(pin.x - x, pin.y - y) < NEAR), None)
        if near is None:
            pins.append(Pin(round(x, 1), round(y, 1), (place,)))
        else:
            pin = pins[near]
            pins[near] = Pin(pin.x, pin.y, (*pin.places, place))
    return pins


def _place_pins(inside: list[Place], project, height: float, reserve: float) -> list[Pin]:
    """One pin a place, moved aside (with a line to its place) when its spot is taken, or sharing
    the nearest pin when no spot within MAX_SHIFT is free; every pin kept ``reserve`` units wide."""
    pins: list[Pin] = []
    for place in sorted(inside, key=lambda p: p.number):
        x, y = project(place.lon, place.lat)
        spot = _free_spot(x, y, pins, WIDTH, height, reserve)  # one pin a place: moved aside, with a line to it
        if spot is None:  # no room near it: it shares the nearest pin rather than drift across the map
            near = min(range(len(pins)), key=lambda i: math.hypot(pins[i].x - x, pins[i].y - y))
            pin = pins[near]
            pins[near] = Pin(pin.x, pin.y, (*pin.places, place), pin.at_x, pin.at_y)
        elif spot == (x, y):
            pins.append(Pin(round(x, 1), round(y, 1), (place,)))
        else:
            pins.append(Pin(round(spot[0], 1), round(spot[1], 1), (place,), round(x, 1), round(y, 1)))
    return pins


@functools.cache
def _locator_land() -> tuple[float, tuple[tuple[tuple[float, float], ...], ...]]:
    """The whole outline drawn LOCATOR_WIDTH units wide from (0, 0): its height and its rings."""
    west, south, east, north = AREA
    scale = LOCATOR_WIDTH / ((east - west) * COS)
    rings = []
    for _, country in outline():
        for ring in country:
            drawn = _simplify([((x - west) * COS * scale, (north - y) * scale) for x, y in ring], 0.6)
            if len(drawn) >= 3 and _area(drawn) >= 4:
                rings.append(tuple(drawn))
    return round((north - south) * scale, 1), tuple(rings)


def _locator(frame: tuple[float, float, float, float], pins: list[Pin], width: float, height: float) -> Locator | None:
    """Where Britain and Ireland are, for a close-up map: in the first corner (top right, top left,
    bottom right, bottom left) that no pin or leader line comes near; none if every corner is taken."""
    h, land = _locator_land()
    pad = 6.0
    w_all, h_all = LOCATOR_WIDTH + 2 * pad, h + 2 * pad
    corners = ((width - w_all, 0.0), (0.0, 0.0), (width - w_all, height - h_all), (0.0, height - h_all))
    def near(cx: float, cy: float, px: float, py: float, r: float) -> bool:
        return cx - r <= px <= cx + w_all + r and cy - r <= py <= cy + h_all + r

    for cx, cy in corners:
        if any(near(cx, cy, p.x, p.y, p.width / 2 + 2) or (p.moved and near(cx, cy, p.at_x, p.at_y, 4)) for p in pins):
            continue
        west, _, east, north = AREA
        scale = LOCATOR_WIDTH / ((east - west) * COS)
        fx = cx + pad + (frame[0] - west) * COS * scale
        fy = cy + pad + (north - frame[3]) * scale
        fw = (frame[2] - frame[0]) * COS * scale
        fh = (frame[3] - frame[1]) * scale
        dx, dy = cx + pad, cy + pad
        translated = ("".join("M" + "L".join(f"{x + dx:.1f} {y + dy:.1f}" for x, y in ring) + "Z" for ring in land),)
        return Locator((round(cx, 1), round(cy, 1), round(w_all, 1), round(h_all, 1)), translated,
                       (round(fx, 1), round(fy, 1), round(max(fw, 2.0), 1), round(max(fh, 2.0), 1)))
    return None


def _free_spot(x: float, y: float, pins: list[Pin], width: float, height: float,
               reserve: float = 2 * PIN_RADIUS) -> tuple[float, float] | None:
    """Where to draw a pin for a place at (x, y): there, or the nearest spot around it (rings of
    twelve, starting above) no farther than MAX_SHIFT that keeps clear of the pins already placed
    and inside the map; None when there is none. Pins are round, or ``reserve`` units wide when
    some labels are longer than a round pin holds."""
    gap = NEAR - 2 * PIN_RADIUS

    def apart(p: Pin, cx: float, cy: float) -> bool:
        if reserve <= 2 * PIN_RADIUS:
            return math.hypot(p.x - cx, p.y - cy) >= NEAR
        return abs(p.y - cy) >= NEAR or abs(p.x - cx) >= reserve + gap

    def clear(cx: float, cy: float) -> bool:
        inside = reserve / 2 <= cx <= width - reserve / 2 and PIN_RADIUS <= cy <= height - PIN_RADIUS
        return inside and all(apart(p, cx, cy) for p in pins)

    if clear(x, y):
        return x, y
    ring = 1
    while (radius := NEAR * (0.6 + 0.55 * ring)) <= MAX_SHIFT + 0.01:
        for step in range(12):
            angle = math.radians(-90 + 30 * step)
            cx, cy = x + radius * math.cos(angle), y + radius * math.sin(angle)
            if clear(cx, cy):
                return cx, cy
        ring += 1
    if not pins:  # nothing to share (a place at the very edge): drawn where it is
        return x, y
    return None
