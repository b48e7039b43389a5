"""How a practice or a volume is cited: the same facts as CSL-JSON, BibTeX, RIS, Highwire tags and Schema.org.

Reference managers read each format their own way, so each is written by a
library made for it: BibTeX by bibtexparser (its values LaTeX-encoded by
pylatexenc, so ``%``, ``&``, ``$``, braces and accents arrive as text), RIS by
rispy, CSL-JSON and JSON-LD as JSON. Every value comes from one
:class:`Citation`, so the formats never disagree. Authors are organisations
(the lead partners, else the contact organisation): a practice is their work,
and the compendium names no people without their consent.

Values are text with their spacing collapsed to single spaces: RIS is one tag a
line, so a line break in a value would start a tag of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import rispy
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from compendium.records.practice import Practice
from compendium.records.vocabulary import LEAD
from compendium.records.volume import Volume
from compendium.settings import Settings, practice_path, url_of, volume_path

LANGUAGE = "en"
"""The language of the compendium's text, as the citation formats name it."""

_LATEX = UnicodeToLatexEncoder(
    non_ascii_only=False,
    replacement_latex_protection="braces-all",
    # Inside a braced BibTeX value a straight quote is text; pylatexenc's default, '', reads back as ”.
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, {ord('"'): '"'}), "defaults"],
)


@dataclass(frozen=True)
class Citation:
    """What any citation of a practice or a volume says."""

    key: str
    """A key for reference managers: the practice's id, or ``compendium-volume-N``."""
    kind: str
    """``practice`` or ``volume``."""
    title: str
    authors: tuple[str, ...]
    """Organisations: a practice's lead partners; a volume's publishers."""
    editors: tuple[str, ...]
    """A volume's editors (organisations), if it names them."""
    issued: dt.date | None
    """When this text was last changed (a practice) or published (a volume); None for a draft volume."""
    url: str
    """The page's public address ("" when the site has none configured)."""
    site: str
    """The compendium's name: the website a practice is part of."""
    site_url: str
    abstract: str = ""
    volume_title: str = ""
    """The published volume that carries a practice, if any."""
    volume_url: str = ""
    volume_number: int | None = None
    pdf_url: str = ""
    """A volume's print edition."""


def _plain(text: str) -> str:
    return " ".join(text.split())


def csl_json(citation: Citation) -> dict[str, Any]:
    """The citation as one CSL-JSON item (what Zotero, Mendeley and citeproc read)."""
    item: dict[str, Any] = {
        "id": citation.key,
        "type": "book" if citation.kind == "volume" else "webpage",
        "title": _plain(citation.title),
        "author": [{"literal": _plain(name)} for name in citation.authors],
        "language": LANGUAGE,
    }
    if citation.issued is not None:
        item["issued"] = {"date-parts": [[citation.issued.year, citation.issued.month, citation.issued.day]]}
    else:
        item["status"] = "draft"
    if citation.editors:
        item["editor"] = [{"literal": _plain(name)} for name in citation.editors]
    if citation.url:
        item["URL"] = citation.url
    if citation.abstract:
        item["abstract"] = _plain(citation.abstract)
    if citation.kind == "volume":
        item["publisher"] = "; ".join(_plain(name) for name in citation.authors)
        item["collection-title"] = _plain(citation.site)
        if citation.volume_number is not None:
            item["collection-number"] = citation.volume_number
    elif citation.volume_title:
        item["container-title"] = _plain(citation.volume_title)
    else:
        item["container-title"] = _plain(citation.site)
    return item


def bibtex(citation: Citation) -> str:
    """The citation as a BibTeX entry: ``@book`` for a volume, ``@misc`` for a practice."""
    fields = [
        Field("title", _LATEX.unicode_to_latex(_plain(citation.title))),
        # Double braces: an organisation is one name, not "first and last" names.
        Field(
            "author", " and ".join("{" + _LATEX.unicode_to_latex(_plain(n)) + "}" for n in citation.authors)
        ),
        Field("language", LANGUAGE),
    ]
    if citation.issued is not None:
        fields += [
            Field("year", str(citation.issued.year)),
            Field("month", str(citation.issued.month)),
            Field("date", citation.issued.isoformat()),
        ]
    else:
        fields.append(Field("note", "Draft"))
    if citation.editors:
        names = " and ".join("{" + _LATEX.unicode_to_latex(_plain(n)) + "}" for n in citation.editors)
        fields.append(Field("editor", names))
    if citation.kind == "volume":
        fields.append(Field("publisher", _LATEX.unicode_to_latex("; ".join(map(_plain, citation.authors)))))
        fields.append(Field("series", _LATEX.unicode_to_latex(_plain(citation.site))))
        if citation.volume_number is not None:
            fields.append(Field("number", str(citation.volume_number)))
    else:
        where = citation.volume_title or citation.site
        fields.append(Field("howpublished", _LATEX.unicode_to_latex(f"In {_plain(where)}")))
    if citation.url:
        fields.append(Field("url", citation.url))
    entry = Entry("book" if citation.kind == "volume" else "misc", citation.key, fields)
    written: str = write_string(Library([entry]))
    return written


def ris(citation: Citation) -> str:
    """The citation as an RIS record (EndNote, RefWorks, Zotero)."""
    entry: dict[str, Any] = {
        "type_of_reference": "BOOK" if citation.kind == "volume" else "ELEC",
        "title": _plain(citation.title),
        "authors": [_plain(name) for name in citation.authors],
        "language": LANGUAGE,
    }
    if citation.issued is not None:
        entry["year"] = str(citation.issued.year)
        entry["date"] = citation.issued.strftime("%Y/%m/%d")
    else:
        entry["notes"] = ["Draft"]
    if citation.editors:
        entry["secondary_authors"] = [_plain(name) for name in citation.editors]
    if citation.url:
        entry["urls"] = [citation.url]
    if citation.abstract:
        entry["abstract"] = _plain(citation.abstract)
    if citation.kind == "volume":
        entry["publisher"] = "; ".join(_plain(name) for name in citation.authors)
        entry["secondary_title"] = _plain(citation.site)
        if citation.volume_number is not None:
            entry["volume"] = str(citation.volume_number)
    else:
        entry["secondary_title"] = _plain(citation.volume_title or citation.site)
    text: str = rispy.dumps([entry], skip_unknown_tags=True, enforce_list_tags=False)
    return text


def highwire(citation: Citation) -> list[tuple[str, str]]:
    """The ``<meta name="citation_…">`` tags Google Scholar and Zotero read, in order."""
    tags = [("citation_title", _plain(citation.title))]
    tags += [("citation_author", _plain(name)) for name in citation.authors]
    if citation.issued is not None:
        tags.append(("citation_publication_date", citation.issued.strftime("%Y/%m/%d")))
    tags.append(("citation_language", LANGUAGE))
    if citation.kind == "volume":
        tags += [("citation_publisher", "; ".join(map(_plain, citation.authors)))]
        if citation.pdf_url:
            tags.append(("citation_pdf_url", citation.pdf_url))
    elif citation.volume_title:
        tags.append(("citation_inbook_title", _plain(citation.volume_title)))
    if citation.url:
        tags.append(("citation_public_url", citation.url))
    if citation.abstract:
        tags.append(("citation_abstract", _plain(citation.abstract)))
    return tags


def json_ld(citation: Citation) -> dict[str, Any]:
    """Schema.org: a ``CreativeWork`` (a practice) or a ``Book`` (a volume), part of what holds it."""
    site: dict[str, Any] = {"@type": "WebSite", "name": _plain(citation.site)}
    if citation.site_url:
        site["url"] = citation.site_url
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Book" if citation.kind == "volume" else "CreativeWork",
        "name": _plain(citation.title),
        "author": [{"@type": "Organization", "name": _plain(name)} for name in citation.authors],
        "inLanguage": LANGUAGE,
    }
    if citation.issued is not None:
        data["datePublished" if citation.kind == "volume" else "dateModified"] = citation.issued.isoformat()
    else:
        data["creativeWorkStatus"] = "Draft"
    if citation.editors:
        data["editor"] = [{"@type": "Organization", "name": _plain(name)} for name in citation.editors]
    if citation.url:
        data["url"] = citation.url
    if citation.abstract:
        data["abstract"] = _plain(citation.abstract)
    if citation.kind == "volume":
        data["publisher"] = data["author"]
        data["isPartOf"] = site
        if citation.pdf_url:
            data["encoding"] = {
                "@type": "MediaObject",
                "encodingFormat": "application/pdf",
                "contentUrl": citation.pdf_url,
            }
    elif citation.volume_title:
        book: dict[str, Any] = {"@type": "Book", "name": _plain(citation.volume_title), "isPartOf": site}
        if citation.volume_url:
            book["url"] = citation.volume_url
        data["isPartOf"] = book
    else:
        data["isPartOf"] = site
    return data


def head(citation: Citation) -> dict[str, Any]:
    """What a page's ``<head>`` carries for reference managers: the Highwire tags and the JSON-LD, as
    page metadata the theme writes (``overrides/theme/main.html`` escapes each tag's value and writes
    the JSON-LD with ``tojson``, which escapes ``<``, ``>``, ``&`` and ``'``)."""
    return {"highwire": [list(tag) for tag in highwire(citation)], "jsonld": json_ld(citation)}


def of_practice(
    practice: Practice, volumes: Sequence[Volume], site: Settings, volume_url: Callable[[Volume], str]
) -> Citation:
    """How ``practice`` is cited: by its lead partners (else its contact organisation), as last changed,
    in the first published volume that carries it, if any."""
    published = next((v for v in volumes if v.is_published), None)
    leads = tuple(dict.fromkeys(p.name for p in practice.partners if LEAD in p.role))
    return Citation(
        key=practice.slug,
        kind="practice",
        title=practice.title,
        authors=leads or (practice.contact.organisation,),
        editors=(),
        issued=practice.last_changed,
        url=site.site_url + url_of(practice_path(practice.slug)) if site.site_url else "",
        site=site.site_name,
        site_url=site.site_url,
        abstract=practice.summary,
        volume_title=f"{published.label}: {published.title}" if published else "",
        volume_url=volume_url(published) if published and site.site_url else "",
    )


def of_volume(volume: Volume, site: Settings, pdf: str | None) -> Citation:
    """How ``volume`` is cited: by its publishers, with its editors, as published (a draft has no date)."""
    url = site.site_url + url_of(volume_path(volume)) if site.site_url else ""
    return Citation(
        key=f"compendium-volume-{volume.number}",
        kind="volume",
        title=f"{volume.title}: {volume.subtitle}" if volume.subtitle else volume.title,
        authors=volume.publishers,
        editors=volume.editors,
        issued=volume.published if volume.is_published else None,
        url=url,
        site=site.site_name,
        site_url=site.site_url,
        abstract=volume.description or "",
        volume_number=volume.number,
        pdf_url=url + pdf if url and pdf else "",
    )
