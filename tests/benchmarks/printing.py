"""Benchmark: ``compendium print`` (Typst) against bare WeasyPrint on plain pages of the same bodies.

The baseline renders the same bodies as bare HTML (Markdown converted, no
template, no stylesheet) with WeasyPrint, which this benchmark installs in a
scratch environment of its own (WeasyPrint is no dependency of the project; it
needs the Pango library). Both run as whole processes; the best of the repeats
counts. Then a 1,000-practice volume is printed for time, peak memory and how
time grows with size. Not part of the test run::

    python -m tests.benchmarks.printing --practices 100
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
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


def volume_project(root: Path, practices: int) -> Path:
    """A project with ``practices`` synthetic records gathered in one draft volume of four sections."""
    make_project(root, practices)
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
    return root


def ours(root: Path, output: Path) -> list[str]:
    return [sys.executable, "-m", "compendium", "--root", str(root), "print", "1", "-o", str(output)]


def weasyprint_python(scratch: Path) -> str:
    """A Python with bare WeasyPrint and Markdown, installed here for the baseline only."""
    venv = scratch / "weasyprint-venv"
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("the baseline needs uv on PATH to install WeasyPrint")
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    subprocess.run([uv, "venv", "-q", str(venv)], check=True, env=env)
    python = str(venv / "bin" / "python")
    subprocess.run(
        [uv, "pip", "install", "-q", "--python", python, "weasyprint", "markdown"], check=True, env=env
    )
    return python


def pages_of(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=100)
    parser.add_argument("--large", type=int, default=1000, help="practices in the large volume (0: skip)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        scratch = Path(temp)
        python = weasyprint_python(scratch)
        root = volume_project(scratch / "project", args.practices)
        base_cmd = [python, "-c", BASELINE, str(root), f"{temp}/bare.pdf"]
        tagged_cmd = [*base_cmd, "ua"]  # the same output variant as ours: tagged PDF/UA-1
        mine, base, tagged = [], [], []
        for _ in range(args.repeat):
            base.append(measure(base_cmd))
            tagged.append(measure(tagged_cmd))
            mine.append(measure(ours(root, scratch / "ours.pdf")))
        pages, bare_pages = pages_of(scratch / "ours.pdf"), pages_of(scratch / "bare.pdf")
        large = None
        if args.large:
            big = volume_project(scratch / "large", args.large)
            large = measure(ours(big, scratch / "large.pdf")), pages_of(scratch / "large.pdf")
    t_ours, m_ours = min(t for t, _ in mine), max(m for _, m in mine)
    t_base, m_base = min(t for t, _ in base), max(m for _, m in base)
    t_tagged = min(t for t, _ in tagged)
    print(f"practices:               {args.practices}")
    print(
        f"compendium print:        {pages} pages in {t_ours:.2f} s = {pages / t_ours:.1f} pages/s, peak {m_ours / 1024:.0f} MB"
    )
    print(
        f"bare WeasyPrint:         {bare_pages} pages in {t_base:.2f} s = {bare_pages / t_base:.1f} pages/s, peak {m_base / 1024:.0f} MB"
    )
    print(
        f"bare WeasyPrint, PDF/UA: {bare_pages} pages in {t_tagged:.2f} s = {bare_pages / t_tagged:.1f} pages/s"
    )
    print(f"ratio (ours / bare):     {t_ours / t_base:.2f}x  (target: at most 0.35x; goal 0.15x)")
    print(f"ratio (ours / bare with the same PDF/UA-1 tagging): {t_ours / t_tagged:.2f}x")
    if large is not None:
        (t_large, m_large), large_pages = large
        growth = (t_large / args.large) / (t_ours / args.practices)
        print(
            f"{args.large} practices:        {large_pages} pages in {t_large:.2f} s, peak {m_large / 1024:.0f} MB"
            "  (target: under 20 s and 1 GB)"
        )
        print(f"time per practice, {args.large} vs {args.practices}: {growth:.2f}x  (1.0x is linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
