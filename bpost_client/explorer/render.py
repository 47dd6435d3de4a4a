"""The explorer's templates and the filters every page uses.

``templates`` is the one Jinja2 environment of the explorer (``templates/``, autoescaped); the
chain pages and the domain pages render through :func:`render`, which adds the signed-in
institution (``viewer``) and the name book (``names``) to the context.

Filters (each also a function here, taking the name book where it needs one):

- ``short``: ``0x1234…abcd``;
- ``time``: a block timestamp as ``YYYY-MM-DD HH:MM:SS UTC``;
- ``address_link``: a link to ``/address/<address>`` labelled with the institution's legal name
  or the contract's name when known;
- ``lei_link``: a link to ``/institution/<LEI>`` (``named=True``: labelled with the legal name);
- ``fund_link``, ``block_link``, ``tx_link``: links to ``/fund/<code>``, ``/block/<n>``,
  ``/tx/<hash>``;
- ``bytes_text``: the printable ASCII a 0x-hex bytes value holds (zero padding dropped), or None;
- ``value``: a decoded argument (JSON: objects, lists, numbers, 0x-hex bytes, addresses) as HTML.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eth_utils.address import is_checksum_address
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from bpost_client.explorer.names import NameBook
from bpost_client.platform.projection import hex_text
from bpost_client.types import Role

__all__ = [
    "TEMPLATES_DIR",
    "address_link",
    "block_link",
    "bytes_text",
    "environment",
    "fund_link",
    "lei_link",
    "render",
    "short",
    "templates",
    "tx_link",
    "utc_time",
    "value_html",
]

TEMPLATES_DIR = Path(__file__).parent / "templates"
SHOWN_BYTES = 32
"""Bytes values longer than this are shown cut, with their length."""
MAX_DEPTH = 8
"""Nesting deeper than this is shown as JSON text."""

_HEX = re.compile(r"0x(?:[0-9a-fA-F]{2})*")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_LEI = re.compile(r"[A-Z0-9]{20}")
_SEALED = frozenset({"commitment", "ciphertext", "recipients"})
_ROLES = {"0x" + role.id.hex(): role.value for role in Role if role is not Role.DEFAULT_ADMIN}
"""Role ids shown by name (the default admin's id is zero, shown as zero)."""


def short(text: Any, head: int = 6, tail: int = 4) -> str:
    """``text`` cut to its first ``head`` and last ``tail`` characters (``0x1234…abcd``);
    shorter text is kept whole."""
    whole = "" if text is None else str(text)
    if len(whole) <= head + tail + 1:
        return whole
    return f"{whole[:head]}…{whole[len(whole) - tail :]}"


def utc_time(timestamp: Any) -> str:
    """A block timestamp (seconds since the epoch) as ``YYYY-MM-DD HH:MM:SS UTC``."""
    if timestamp is None or timestamp == "":
        return ""
    return datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def bytes_text(value: Any) -> str | None:
    """The text a 0x-hex bytes value holds when, its trailing zero bytes dropped, it is
    printable ASCII (LEIs, fund codes, ISINs, markets, currencies); else None."""
    return hex_text(value) or None


def _link(href: str, label: str, title: str | None = None, css: str | None = None) -> Markup:
    attributes = Markup(' href="{}"').format(href)
    if title:
        attributes += Markup(' title="{}"').format(title)
    if css:
        attributes += Markup(' class="{}"').format(css)
    return Markup("<a{}>{}</a>").format(attributes, label)


def address_link(address: Any, names: NameBook | None = None) -> Markup:
    """A link to the address page of ``address``, labelled with the deployed contract's name or
    the legal name of the institution it acts for, else the short address; the full address
    is in the title."""
    if not address:
        return Markup('<span class="none">—</span>')
    text = str(address)
    label = short(text)
    if names is not None:
        contract = names.contract_at(text)
        if contract is not None:
            label = contract
        else:
            owner = names.institution_of_address(text)
            if owner is not None:
                label = owner.legal_name
    return _link(f"/address/{text}", label, text, "address")


def lei_link(lei: Any, names: NameBook | None = None, named: bool = False) -> Markup:
    """A link to the institution page of ``lei`` (a LEI or its 0x-hex bytes20): the LEI with
    the legal name in the title, or (``named``) the legal name with the LEI in the title."""
    text = bytes_text(lei) if str(lei).startswith("0x") else str(lei or "")
    text = (text or str(lei)).strip()
    if not text:
        return Markup('<span class="none">—</span>')
    legal = names.legal_name(text) if names is not None else None
    if named and legal:
        return _link(f"/institution/{text}", legal, text, "lei")
    return _link(f"/institution/{text}", text, legal, "lei")


def fund_link(code: Any) -> Markup:
    """A link to the fund page of a platform fund code."""
    text = str(code or "").strip()
    return _link(f"/fund/{text}", text, None, "fund")


def block_link(number: Any) -> Markup:
    """A link to the block page of block ``number``."""
    return _link(f"/block/{int(number)}", f"{int(number)}", None, "block")


def tx_link(tx_hash: Any, label: str | None = None) -> Markup:
    """A link to the transaction page of ``tx_hash``, labelled with the short hash."""
    text = str(tx_hash)
    return _link(f"/tx/{text}", label or short(text, 10, 8), text, "tx")


def _bytes_html(value: str, names: NameBook | None) -> Markup:
    size = (len(value) - 2) // 2
    if not value[2:].strip("0"):
        return Markup('<code class="hex zero" title="{} zero bytes">0x0</code>').format(size)
    if size == 32 and value.lower() in _ROLES:
        return Markup('<span class="role" title="{}">{}</span>').format(
            value, _ROLES[value.lower()]
        )
    text = bytes_text(value)
    if size == 20 and text is not None and _LEI.fullmatch(text):
        return lei_link(text, names)
    if size == 20 and _ADDRESS.fullmatch(value) and is_checksum_address(value):
        return address_link(value, names)
    if text is not None:
        if size == 32 and text.startswith("BP") and len(text) == 11:
            return _link(f"/fund/{text}", text, value, "fund")
        return Markup('<span class="text" title="{}">{}</span>').format(value, text)
    if size > SHOWN_BYTES:
        cut = value[: 2 + 2 * SHOWN_BYTES]
        return Markup('<code class="hex">{}…</code> <span class="size">({} bytes)</span>').format(
            cut, size
        )
    return Markup('<code class="hex">{}</code>').format(value)


def _sealed_html(value: dict[str, Any], names: NameBook | None) -> Markup:
    recipients = value.get("recipients") or []
    leis = [
        lei_link(r.get("lei", ""), names) if isinstance(r, dict) else escape(str(r))
        for r in recipients
    ]
    return Markup(
        '<span class="sealed"><span class="badge">sealed</span> commitment '
        '<code class="hex" title="{}">{}</code>; recipients: {}</span>'
    ).format(
        value.get("commitment", ""),
        short(value.get("commitment", ""), 10, 8),
        Markup(", ").join(leis) if leis else Markup('<span class="none">none</span>'),
    )


def value_html(value: Any, names: NameBook | None = None, depth: int = 0) -> Markup:
    """A decoded argument as HTML: objects as definition lists, lists of like objects as tables,
    other lists as ordered lists; bytes holding printable ASCII as that text (the hex in the
    title), LEIs, fund codes and addresses as links, role ids by name, zero bytes as ``0x0``;
    a sealed payload (commitment, ciphertext, recipients) as ``sealed`` with its commitment
    and recipients, never its ciphertext."""
    if depth > MAX_DEPTH:
        return Markup("<code>{}</code>").format(str(value))
    if value is None:
        return Markup('<span class="none">—</span>')
    if isinstance(value, bool):
        return Markup('<span class="bool">{}</span>').format("true" if value else "false")
    if isinstance(value, int | float):
        return Markup('<span class="number">{}</span>').format(value)
    if isinstance(value, str):
        if _HEX.fullmatch(value) and len(value) > 2:
            return _bytes_html(value, names)
        return Markup('<span class="string">{}</span>').format(value)
    if isinstance(value, dict):
        if value.keys() >= _SEALED:
            return _sealed_html(value, names)
        if not value:
            return Markup('<span class="none">{}</span>').format("{}")
        items = Markup("").join(
            Markup("<dt>{}</dt><dd>{}</dd>").format(k, value_html(v, names, depth + 1))
            for k, v in value.items()
        )
        return Markup('<dl class="value">{}</dl>').format(items)
    if isinstance(value, list):
        if not value:
            return Markup('<span class="none">none</span>')
        keys = list(value[0].keys()) if isinstance(value[0], dict) else None
        tabular = (
            keys
            and not set(keys) >= _SEALED
            and all(isinstance(v, dict) and list(v.keys()) == keys for v in value)
        )
        if tabular and keys is not None:
            head = Markup("").join(Markup("<th>{}</th>").format(k) for k in keys)
            rows = Markup("").join(
                Markup("<tr>{}</tr>").format(
                    Markup("").join(
                        Markup("<td>{}</td>").format(value_html(v[k], names, depth + 1))
                        for k in keys
                    )
                )
                for v in value
            )
            return Markup(
                '<table class="value"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
            ).format(head, rows)
        items = Markup("").join(
            Markup("<li>{}</li>").format(value_html(v, names, depth + 1)) for v in value
        )
        return Markup('<ol class="value" start="0">{}</ol>').format(items)
    return Markup("<code>{}</code>").format(str(value))


def _names(context: Context) -> NameBook | None:
    found = context.get("names")
    return found if isinstance(found, NameBook) else None


@pass_context
def _address_filter(context: Context, address: Any) -> Markup:
    return address_link(address, _names(context))


@pass_context
def _lei_filter(context: Context, lei: Any, named: bool = False) -> Markup:
    return lei_link(lei, _names(context), named)


@pass_context
def _value_filter(context: Context, value: Any) -> Markup:
    return value_html(value, _names(context))


def _page_context(request: Request) -> dict[str, Any]:
    """What every template sees: the signed-in institution, and the name book."""
    extra: dict[str, Any] = {"viewer": getattr(request.state, "viewer", None)}
    app_state = getattr(request.app.state, "explorer", None)
    names = getattr(request.state, "names", None)
    if names is None and app_state is not None:
        try:
            names = app_state.names()
        except Exception:  # an error page must render even when the index cannot be read
            names = None
        request.state.names = names
    extra["names"] = names
    return extra


environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(
    short=short,
    time=utc_time,
    address_link=_address_filter,
    lei_link=_lei_filter,
    fund_link=fund_link,
    block_link=block_link,
    tx_link=tx_link,
    bytes_text=bytes_text,
    value=_value_filter,
)
templates = Jinja2Templates(env=environment, context_processors=[_page_context])


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """The template ``name`` rendered as an HTML page with ``context``, the signed-in
    institution (``viewer``) and the name book (``names``)."""
    return templates.TemplateResponse(request, name, dict(context or {}), status_code=status_code)
