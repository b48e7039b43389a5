"""Record and editor text as a structure of blocks and inline runs, from the validator's own parse.

The print edition's Typst template typesets this structure; no text of a record
is ever spliced into Typst source, so ``#read(...)`` or ``$`` in a record prints
as those characters. Raw HTML (which validation refuses) becomes text.

Blocks: ``{"t": "p" | "h" | "ul" | "ol" | "quote" | "code" | "hr" | "table", ...}``;
inline runs: ``{"t": "text" | "strong" | "em" | "code" | "link" | "br", ...}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it.token import Token

from compendium.records.body import body_parser
from compendium.render.markdown import Links

Block = dict[str, Any]
Run = dict[str, Any]

_MD = body_parser()


def text_structure(text: str, links: Links | None = None, shift: int = 0) -> list[Block]:
    """``text`` as blocks; headings move down ``shift`` levels (## in a practice is its section)."""
    tokens = _MD.parse(text)
    blocks, _ = _blocks(tokens, 0, None, links or (lambda link: link), shift)
    return blocks


def _blocks(
    tokens: Sequence[Token], start: int, closing: str | None, links: Links, shift: int
) -> tuple[list[Block], int]:
    """The blocks from ``tokens[start]`` up to the token ``closing`` (or the end); and where it stopped."""
    out: list[Block] = []
    index = start
    while index < len(tokens):
        token = tokens[index]
        if closing is not None and token.type == closing:
            return out, index + 1
        kind = token.type
        if kind == "paragraph_open":
            out.append({"t": "p", "c": _runs(tokens[index + 1], links)})
            index += 3
        elif kind == "heading_open":
            level = int(token.tag[1]) + shift
            out.append({"t": "h", "level": level, "c": _runs(tokens[index + 1], links)})
            index += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            items, index = _items(tokens, index + 1, kind.replace("_open", "_close"), links, shift)
            block: Block = {"t": "ul" if kind.startswith("bullet") else "ol", "items": items}
            if kind.startswith("ordered"):
                block["start"] = int(token.attrs.get("start", 1) or 1)
            out.append(block)
        elif kind == "blockquote_open":
            inner, index = _blocks(tokens, index + 1, "blockquote_close", links, shift)
            out.append({"t": "quote", "c": inner})
        elif kind in ("fence", "code_block", "html_block"):
            out.append({"t": "code", "s": token.content.rstrip("\n")})
            index += 1
        elif kind == "hr":
            out.append({"t": "hr"})
            index += 1
        elif kind == "table_open":
            table, index = _table(tokens, index + 1, links)
            out.append(table)
        else:  # list items and other closers handled by their openers
            index += 1
    return out, index


def _items(
    tokens: Sequence[Token], index: int, closing: str, links: Links, shift: int
) -> tuple[list[list[Block]], int]:
    items: list[list[Block]] = []
    while index < len(tokens) and tokens[index].type != closing:
        if tokens[index].type == "list_item_open":
            item, index = _blocks(tokens, index + 1, "list_item_close", links, shift)
            items.append(item)
        else:
            index += 1
    return items, index + 1


def _table(tokens: Sequence[Token], index: int, links: Links) -> tuple[Block, int]:
    head: list[list[Run]] = []
    rows: list[list[list[Run]]] = []
    row: list[list[Run]] = []
    in_head = False
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            if in_head:
                head = row
            else:
                rows.append(row)
        elif token.type == "inline":
            row.append(_runs(token, links))
        index += 1
    return {"t": "table", "head": head, "rows": rows}, index + 1


def _runs(inline: Token, links: Links) -> list[Run]:
    """An inline token's children as nested runs; links resolved by ``links`` (None keeps the text)."""
    root: list[Run] = []
    stack: list[list[Run]] = [root]
    for child in inline.children or []:
        kind = child.type
        top = stack[-1]
        if kind in ("text", "html_inline"):
            if top and top[-1]["t"] == "text":
                top[-1]["s"] += child.content
            else:
                top.append({"t": "text", "s": child.content})
        elif kind == "code_inline":
            top.append({"t": "code", "s": child.content})
        elif kind in ("softbreak",):
            top.append({"t": "text", "s": " "})
        elif kind == "hardbreak":
            top.append({"t": "br"})
        elif kind in ("strong_open", "em_open"):
            run: Run = {"t": kind[: -len("_open")], "c": []}
            top.append(run)
            stack.append(run["c"])
        elif kind == "link_open":
            target = links(str(child.attrs.get("href", "")))
            run = {"t": "link", "href": target, "c": []} if target else {"t": "span", "c": []}
            top.append(run)
            stack.append(run["c"])
        elif kind in ("strong_close", "em_close", "link_close") and len(stack) > 1:
            stack.pop()
        elif kind == "image":  # refused by validation; its description is all that could print
            top.append({"t": "text", "s": child.content})
    return root
