"""Build ``towns.geojson``, the invented outlines of the sample city's towns and streets.

    python -m sample_data.make_outlines        # rewrites sample_data/towns.geojson

Run once; the seeder only reads the file it writes. The method:

1. The county is a jittered ellipse (its convex hull, so the clipping below stays simple)
   around the city centre, inside lon 120.0-120.5, lat 29.9-30.3.
2. Each town's cell is the part of the county nearer to its own point (``经度``/``纬度``
   in ``agencies.csv``) than to any other town's: a Voronoi cell, cut out of the county by
   one half-plane per other town. Cells tile the county without overlapping, and each
   holds its own town's point.
3. Straight Voronoi edges look drawn with a ruler, so every edge gets two bends. The bends
   are derived from a hash of the edge's end points, so the two towns sharing an edge bend
   it identically and the tiling stays exact.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
AGENCIES_CSV = HERE / "agencies.csv"
TOWNS_GEOJSON = HERE / "towns.geojson"

CENTRE = (120.262, 30.095)
RADII = (0.225, 0.178)
DIGITS = 5  # about one metre

Point = tuple[float, float]


def county_outline(vertices: int = 16, jitter: float = 0.06, seed: int = 2024) -> list[Point]:
    rng = random.Random(seed)
    pts = []
    for i in range(vertices):
        a = 2 * math.pi * i / vertices
        r = 1 + rng.uniform(-jitter, jitter)
        pts.append((CENTRE[0] + RADII[0] * r * math.cos(a), CENTRE[1] + RADII[1] * r * math.sin(a)))
    return convex_hull(pts)


def convex_hull(points: list[Point]) -> list[Point]:
    """Counter-clockwise hull (Andrew's monotone chain)."""
    pts = sorted(set(points))

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def clip_half_plane(poly: list[Point], site: Point, other: Point) -> list[Point]:
    """The part of ``poly`` at least as near to ``site`` as to ``other``."""
    mx, my = (site[0] + other[0]) / 2, (site[1] + other[1]) / 2
    nx, ny = other[0] - site[0], other[1] - site[1]

    def side(p):  # <= 0 on the site's side of the bisector
        return (p[0] - mx) * nx + (p[1] - my) * ny

    out: list[Point] = []
    for i, cur in enumerate(poly):
        prev = poly[i - 1]
        sc, sp = side(cur), side(prev)
        if sc <= 0:
            if sp > 0:
                out.append(_cross_point(prev, cur, sp, sc))
            out.append(cur)
        elif sp <= 0:
            out.append(_cross_point(prev, cur, sp, sc))
    return out


def _cross_point(a: Point, b: Point, sa: float, sb: float) -> Point:
    t = sa / (sa - sb)
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def _key(p: Point) -> tuple[float, float]:
    return (round(p[0], 7), round(p[1], 7))


def bend_edges(cell: list[Point], amplitude: float = 0.09, shortest: float = 0.006) -> list[Point]:
    """Insert two shared, hash-derived bends into every edge longer than ``shortest``."""
    out: list[Point] = []
    for i, p in enumerate(cell):
        q = cell[(i + 1) % len(cell)]
        out.append(p)
        length = math.dist(p, q)
        if length < shortest:
            continue
        a, b = sorted((_key(p), _key(q)))
        digest = hashlib.sha256(repr((a, b)).encode()).digest()
        offsets = [(digest[k] / 255 * 2 - 1) * amplitude * length for k in (0, 1)]
        dx, dy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
        bends = [
            (a[0] + (b[0] - a[0]) * f - dy * off, a[1] + (b[1] - a[1]) * f + dx * off)
            for f, off in zip((1 / 3, 2 / 3), offsets)
        ]
        if (_key(p), _key(q)) != (a, b):
            bends.reverse()
        out.extend(bends)
    return out


def contains(ring: list[Point] | list[list[float]], x: float, y: float) -> bool:
    """Whether (x, y) lies inside the polygon ``ring`` (ray casting)."""
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def town_points() -> list[tuple[str, str, float, float]]:
    with AGENCIES_CSV.open(encoding="utf-8-sig", newline="") as f:
        return [
            (row["单位名称"], row["简称"], float(row["经度"]), float(row["纬度"]))
            for row in csv.DictReader(f)
            if row["单位类型"] == "镇街"
        ]


def build() -> dict:
    towns = town_points()
    county = county_outline()
    features = []
    for name, short, lon, lat in towns:
        cell = list(county)
        for other_name, _, olon, olat in towns:
            if other_name != name:
                cell = clip_half_plane(cell, (lon, lat), (olon, olat))
        ring = [[round(x, DIGITS), round(y, DIGITS)] for x, y in bend_edges(cell)]
        if not contains(ring, lon, lat):
            raise RuntimeError(f"{name}: its point fell outside its outline")
        ring.append(ring[0])  # GeoJSON rings are closed
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "short_name": short, "lon": lon, "lat": lat},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "临江市（示例）镇街边界 · invented outlines of a sample city",
        "features": features,
    }


def main() -> None:
    data = build()
    TOWNS_GEOJSON.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(data['features'])} outlines to {TOWNS_GEOJSON.name}")


if __name__ == "__main__":
    main()
