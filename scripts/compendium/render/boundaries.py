"""California's county boundaries for the site's maps, converted once from the ``us-atlas`` package.

The U.S. Census Bureau's cartographic boundary files (2017, 1:10,000,000, public
domain) come as TopoJSON in the ``us-atlas`` npm package, already projected with
a conic equal-area Albers projection. This keeps California's 58 counties and
the arcs they share, in a box of their own, and writes them with their
provenance to ``maps/california-counties.json``, which the repository commits: a
build reads only that file and asks no other host. To convert again, from the
package's tarball::

    npm pack us-atlas@3.0.1
    python -m compendium.render.boundaries us-atlas-3.0.1.tgz

The output is TopoJSON too (absolute coordinates, no ``transform``), so any
TopoJSON tool reads it; arcs shared by two counties stay shared, which lets a map
draw the outline of a group of counties (a planning unit, a college region) from
the arcs between counties of different groups.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tarfile
from pathlib import Path
from typing import Any

from compendium.files import write_atomically

OUTPUT = Path(__file__).parent / "maps" / "california-counties.json"
SOURCE_FILE = "package/counties-albers-10m.json"
STATE = "06"
"""California's FIPS state code: its counties' codes start with it."""
WIDTH = 480.0
"""The width of the map's box; the height follows the state's shape."""
MARGIN = 4.0


def _walk(arcs: Any) -> list[int]:
    if isinstance(arcs, int):
        return [arcs]
    return [index for item in arcs for index in _walk(item)]


def _decode(arc: list[list[int]], scale: list[float], translate: list[float]) -> list[tuple[float, float]]:
    """A quantized, delta-encoded arc as absolute points (TopoJSON specification, 2.1.2 and 2.2.2)."""
    x = y = 0
    points = []
    for dx, dy, *_ in arc:
        x, y = x + dx, y + dy
        points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
    return points


def _remap(arcs: Any, new_index: dict[int, int]) -> Any:
    if isinstance(arcs, int):
        return new_index[arcs] if arcs >= 0 else ~new_index[~arcs]
    return [_remap(item, new_index) for item in arcs]


def california(topology: dict[str, Any], provenance: dict[str, str]) -> dict[str, Any]:
    """The counties of ``topology`` (us-atlas' ``counties-albers-10m``) in California, in a box of their own."""
    counties = [g for g in topology["objects"]["counties"]["geometries"] if str(g["id"]).startswith(STATE)]
    used = sorted({index if index >= 0 else ~index for g in counties for index in _walk(g["arcs"])})
    transform = topology["transform"]
    arcs = [_decode(topology["arcs"][i], transform["scale"], transform["translate"]) for i in used]
    xs = [x for arc in arcs for x, _ in arc]
    ys = [y for arc in arcs for _, y in arc]
    factor = (WIDTH - 2 * MARGIN) / (max(xs) - min(xs))
    height = round((max(ys) - min(ys)) * factor + 2 * MARGIN, 1)

    def place(x: float, y: float) -> list[float]:
        return [round((x - min(xs)) * factor + MARGIN, 1), round((y - min(ys)) * factor + MARGIN, 1)]

    new_index = {old: new for new, old in enumerate(used)}
    return {
        "type": "Topology",
        "bbox": [0, 0, WIDTH, height],
        "provenance": provenance,
        "objects": {
            "counties": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": g["type"],
                        "id": g["id"],
                        "properties": {"name": g["properties"]["name"]},
                        "arcs": _remap(g["arcs"], new_index),
                    }
                    for g in sorted(counties, key=lambda g: str(g["id"]))
                ],
            }
        },
        "arcs": [[place(x, y) for x, y in arc] for arc in arcs],
    }


def convert(tarball: Path, output: Path = OUTPUT) -> dict[str, Any]:
    """Read ``tarball`` (the us-atlas package), write California's counties to ``output``, return them."""
    data = tarball.read_bytes()
    with tarfile.open(tarball) as archive:
        manifest = json.load(archive.extractfile("package/package.json"))  # type: ignore[arg-type]
        topology = json.load(archive.extractfile(SOURCE_FILE))  # type: ignore[arg-type]
    provenance = {
        "package": f"{manifest['name']}@{manifest['version']}",
        "package_sha256": hashlib.sha256(data).hexdigest(),
        "file": SOURCE_FILE.removeprefix("package/"),
        "data": "U.S. Census Bureau, cartographic boundary files, counties, 2017 edition, 1:10,000,000",
        "data_licence": "public domain (a work of the U.S. government)",
        "package_licence": f"{manifest.get('license', 'ISC')}, copyright 2013-2019 Michael Bostock",
        "projection": "d3.geoAlbersUsa().scale(1300), as the package has it; rescaled to this box",
        "converted_by": "python -m compendium.render.boundaries",
    }
    result = california(topology, provenance)
    write_atomically(output, (json.dumps(result, separators=(",", ":"), sort_keys=True) + "\n").encode())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "tarball", type=Path, help="the us-atlas package, as 'npm pack us-atlas@3.0.1' fetches it"
    )
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    try:
        result = convert(args.tarball, args.output)
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        # KeyError: a file or field the package should have; ValueError: JSON that does not parse.
        print(
            f"{args.tarball}: expected the us-atlas package's tarball with {SOURCE_FILE}, "
            f"as 'npm pack us-atlas@3.0.1' fetches it; could not read it: {exc!r}",
            file=sys.stderr,
        )
        return 1
    counties = len(result["objects"]["counties"]["geometries"])
    print(f"wrote {args.output}: {counties} counties, {len(result['arcs'])} arcs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
