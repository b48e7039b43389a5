"""Web and e-mail addresses, read the way a reader's browser reads them.

Python's ``urllib.parse`` and a browser disagree: for
``https://evil.example\\@www.cwdb.ca.gov/`` Python names the host
``www.cwdb.ca.gov`` while a browser, following the WHATWG URL Standard, reads
the backslash as a slash and opens ``evil.example``. A page that labelled the
link by Python's reading would send readers somewhere else than it says. So
addresses are parsed once, with ada (a WHATWG URL parser, as browsers use),
and refused where a reader could be misled: backslashes, user names or
passwords before the host, anything but http(s), a host that is not a domain
or an address.

An e-mail address is an address only: ``mailto:`` would read ``?cc=…&body=…``
after it as extra recipients and a prepared message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ada_url import parse_url

MAX_URL_LENGTH = 2000
"""The longest web address a record may give (browsers and search engines keep to about this)."""
MAX_EMAIL_LENGTH = 254
"""The longest e-mail address the mail standards allow."""

# Letters, digits and the few marks common in real mailboxes; none of them means anything else in a
# mailto: address ('?', '&', '%', '#', '/' and ',' all do). Bounded repeats: no backtracking to speak of.
_EMAIL = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9._+'-]{0,62}[A-Za-z0-9_+-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}[A-Za-z]{2,63}"
)


class AddressError(ValueError):
    """Why an address is refused, in a contributor's words (with what was expected)."""


@dataclass(frozen=True)
class WebAddress:
    """A web address as a browser reads it."""

    href: str
    """The address as the browser will request it (the WHATWG serialisation)."""
    host: str
    """The host the browser will contact: what a link to it may be labelled with."""


def read_web_address(text: str) -> WebAddress:
    """``text`` parsed as a browser parses it; :class:`AddressError` where a reader could be misled."""
    if len(text) > MAX_URL_LENGTH:
        raise AddressError(f"is {len(text):,} characters long; a web address has at most {MAX_URL_LENGTH:,}")
    if any(char.isspace() for char in text):
        raise AddressError("contains a space; expected a web address such as https://www.example.org/page")
    if "\\" in text:
        raise AddressError(
            "contains a backslash, which browsers read as '/' (so the link would open another site than "
            "it shows); use '/'"
        )
    try:
        parsed = parse_url(text)
    except ValueError:
        raise AddressError(
            "is not a web address; expected one such as https://www.example.org/page"
        ) from None
    if parsed["protocol"] not in ("http:", "https:"):
        raise AddressError("expected a web address starting with https://")
    if parsed["username"] or parsed["password"]:
        raise AddressError(
            f"names a user before the host ('…@{parsed['hostname']}'), which hides where the link goes; "
            "write the address without it"
        )
    host = parsed["hostname"]
    if "." not in host and not host.startswith("["):
        raise AddressError(f"has the host '{host}'; expected a public site such as www.example.org")
    return WebAddress(parsed["href"], host)


def read_email(text: str) -> str:
    """``text`` when it is one e-mail address and nothing more; :class:`AddressError` otherwise."""
    if len(text) <= MAX_EMAIL_LENGTH and _EMAIL.fullmatch(text):
        return text
    extra = next((char for char in "?&,;/#%" if char in text), None)
    if extra is not None and "@" in text:
        raise AddressError(
            f"holds '{extra}' after the address, which a mail program would read as more recipients "
            "or a prepared message; give the address only, such as info@example.org"
        )
    raise AddressError(f"expected an e-mail address such as info@example.org, received '{text[:80]}'")
