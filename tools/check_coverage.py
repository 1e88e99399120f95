"""Fail the build when branch+line coverage of one package falls below a floor.

Reads the Cobertura XML that pytest-cov writes, so `make test` can hold `clinical/` to 95 %.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def package_coverage(xml_path: str, package_dir: str) -> float:
    """Return the combined line and branch coverage (percent) of files under `package_dir`."""
    root = ET.parse(xml_path).getroot()
    covered = total = 0
    for cls in root.iter("class"):
        filename = cls.get("filename", "")
        if package_dir not in filename.replace("\\", "/"):
            continue
        for line in cls.iter("line"):
            total += 1
            covered += int(line.get("hits", "0")) > 0
            cond = line.get("condition-coverage")
            if cond:  # e.g. "50% (1/2)"
                hit, of = cond.split("(")[1].rstrip(")").split("/")
                covered += int(hit)
                total += int(of)
    return 100.0 * covered / total if total else 100.0


def main() -> int:
    xml_path, package_dir, floor = sys.argv[1], sys.argv[2], float(sys.argv[3])
    pct = package_coverage(xml_path, package_dir)
    print(f"coverage of {package_dir} (lines + branches): {pct:.1f}% (floor {floor:.0f}%)")
    return 0 if pct >= floor else 1


if __name__ == "__main__":
    sys.exit(main())
