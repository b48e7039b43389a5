"""Benchmark: ``compendium print`` of a synthetic 100-practice volume against bare WeasyPrint, in the same run.

The baseline renders the same bodies as bare HTML (Markdown converted, no
template, no stylesheet, no fonts). Both run as whole processes; the best of
the repeats is kept. Prints pages, seconds, pages per second, peak memory and
the ratio. Not part of the test run::

    python -m tests.benchmarks.printing --practices 100
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from tests.benchmarks.synthetic import REPO, make_project
from tests.benchmarks.validate import measure

BASELINE = r"""
import sys, pathlib, markdown, weasyprint
parts = []
for path in sorted(pathlib.Path(sys.argv[1], "practices").glob("*.md")):
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    title = next(l for l in front.splitlines() if l.startswith("title:"))[7:]
    parts.append(f"<h1>{title}</h1>" + markdown.markdown(body, extensions=["tables"]))
html = "<!DOCTYPE html><html lang=en><body>" + "".join(parts) + "</body></html>"
document = weasyprint.HTML(string=html).render()
document.write_pdf(sys.argv[2], **({"pdf_variant": "pdf/ua-1"} if sys.argv[3:] == ["ua"] else {}))
print(len(document.pages))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = make_project(Path(temp) / "project", args.practices)
        shutil.copytree(REPO / "overrides" / "print", root / "overrides" / "print")
        folder = root / "volumes" / "01-synthetic"
        folder.mkdir(parents=True)
        slugs = sorted(p.stem for p in (root / "practices").glob("*.md"))
        manifest = {
            "number": 1, "title": "Synthetic volume", "publishers": ["Benchmark"], "status": "draft",
            "sections": [{"title": f"Section {n + 1}", "practices": slugs[n::4]} for n in range(4)],
        }  # fmt: skip
        (folder / "volume.yml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
        (folder / "foreword.md").write_text(
            "A synthetic volume for measuring the print edition.\n", encoding="utf-8"
        )
        ours_cmd = [
            sys.executable,
            "-m",
            "compendium",
            "--root",
            str(root),
            "print",
            "1",
            "-o",
            f"{temp}/ours.pdf",
        ]
        base_cmd = [sys.executable, "-c", BASELINE, str(root), f"{temp}/bare.pdf"]
        tagged_cmd = [*base_cmd, "ua"]  # the same output variant as ours: tagged PDF/UA-1
        ours, base, tagged = [], [], []
        for _ in range(args.repeat):
            base.append(measure(base_cmd))
            tagged.append(measure(tagged_cmd))
            ours.append(measure(ours_cmd))
        from pypdf import PdfReader

        pages = len(PdfReader(f"{temp}/ours.pdf").pages)
        bare_pages = len(PdfReader(f"{temp}/bare.pdf").pages)
    t_ours, m_ours = min(t for t, _ in ours), max(m for _, m in ours)
    t_base, m_base = min(t for t, _ in base), max(m for _, m in base)
    print(f"practices:               {args.practices}")
    print(
        f"compendium print:        {pages} pages in {t_ours:.2f} s = {pages / t_ours:.1f} pages/s, peak {m_ours / 1024:.0f} MB"
    )
    print(
        f"bare WeasyPrint:         {bare_pages} pages in {t_base:.2f} s = {bare_pages / t_base:.1f} pages/s, peak {m_base / 1024:.0f} MB"
    )
    t_tagged = min(t for t, _ in tagged)
    print(
        f"bare WeasyPrint, PDF/UA: {bare_pages} pages in {t_tagged:.2f} s = {bare_pages / t_tagged:.1f} pages/s"
    )
    print(f"ratio (ours / bare):     {t_ours / t_base:.2f}x  (target: at most 1.5x)")
    print(f"ratio (ours / bare with the same PDF/UA-1 tagging): {t_ours / t_tagged:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
