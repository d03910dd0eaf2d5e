"""The SSRF guard's decision: may we connect to this address? Pure: no I/O, no DNS.

The fetcher asks these questions at connect time, about the very address it is about to
connect to (see fetch.py), so a name that resolves to a private address, or that
rebinds between a check and the connect, cannot reach an internal service.

We keep our own tables instead of trusting `ipaddress.is_global` alone, because its answer
changes between Python patch releases and it calls multicast, 6to4 and NAT64 "global" on
3.11. `is_global` is still consulted as a backstop that may only refuse more.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address

PUBLIC = "public"

_V4_RANGES: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "unspecified"),  # "this network"; 0.0.0.0 reaches the local host on Linux
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared"),  # carrier-grade NAT, RFC 6598
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),  # includes the cloud metadata address 169.254.169.254
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "reserved"),  # IETF protocol assignments
    ("192.0.2.0/24", "reserved"),  # documentation
    ("192.88.99.0/24", "reserved"),  # deprecated 6to4 relay anycast
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "reserved"),  # benchmarking
    ("198.51.100.0/24", "reserved"),  # documentation
    ("203.0.113.0/24", "reserved"),  # documentation
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),  # includes the broadcast address 255.255.255.255
)

_V6_RANGES: tuple[tuple[str, str], ...] = (
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("64:ff9b:1::/48", "private"),  # local-use NAT64
    ("100::/64", "reserved"),  # discard-only
    ("2001:db8::/32", "reserved"),  # documentation
    ("2001:10::/28", "reserved"),  # ORCHID
    ("2001:20::/28", "reserved"),  # ORCHIDv2
    ("3fff::/20", "reserved"),  # documentation
    ("5f00::/16", "reserved"),  # SRv6 segment identifiers
    ("fc00::/7", "private"),  # unique local addresses
    ("fe80::/10", "link-local"),
    ("fec0::/10", "private"),  # deprecated site-local
    ("ff00::/8", "multicast"),
)

_V4_TABLE = tuple((IPv4Network(net), kind) for net, kind in _V4_RANGES)
_V6_TABLE = tuple((IPv6Network(net), kind) for net, kind in _V6_RANGES)

_V4_COMPATIBLE = IPv6Network("::/96")
_NAT64 = IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")
_TEREDO = IPv6Network("2001::/32")

# ASCII only, no signs or underscores: exactly what inet_aton reads, nothing int() also takes.
_IPV4_NUMBER = re.compile(r"0[xX]([0-9a-fA-F]*)|0([0-7]+)|([1-9][0-9]*|0)", re.ASCII)

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def address_kind(ip: IPAddress) -> str:
    """Name the class of `ip`: "public", or why it is refused ("loopback", "private", ...)."""
    if isinstance(ip, IPv6Address):
        return _v6_kind(ip)
    for net, kind in _V4_TABLE:
        if ip in net:
            return kind
    return PUBLIC if ip.is_global else "reserved"


def is_public_address(ip: IPAddress) -> bool:
    """True only for addresses on the public internet, which a feed may live at."""
    return address_kind(ip) == PUBLIC


def _v6_kind(ip: IPv6Address) -> str:
    """Judge an IPv6 address, looking through every way of embedding an IPv4 address."""
    if ip.scope_id:
        return "link-local"  # a zone index only makes sense on a local link
    for net, kind in _V6_TABLE:
        if ip in net:
            return kind
    embedded = _embedded_v4(ip)
    if embedded is not None:
        kinds = [address_kind(inner) for inner in embedded]
        refused = [kind for kind in kinds if kind != PUBLIC]
        if refused:
            return refused[0]
        # IPv4-compatible addresses are deprecated: nothing should route them.
        return "reserved" if ip in _V4_COMPATIBLE else PUBLIC
    return PUBLIC if ip.is_global else "reserved"


def _embedded_v4(ip: IPv6Address) -> tuple[IPv4Address, ...] | None:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo)."""
    if ip.ipv4_mapped is not None:
        return (ip.ipv4_mapped,)
    if ip in _V4_COMPATIBLE or ip in _NAT64:
        return (IPv4Address(int(ip) & 0xFFFFFFFF),)
    if ip.sixtofour is not None and ip in _SIX_TO_FOUR:
        return (ip.sixtofour,)
    if ip.teredo is not None and ip in _TEREDO:
        return ip.teredo
    return None


def parse_host_address(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, or None when the host is a name.

    Understands the forms the C resolver (inet_aton) and browsers accept, so that they are
    judged as the addresses they are: "2130706433", "0177.0.0.1", "0x7f.1", "127.1",
    "[::1]", "127.0.0.1." (trailing dot).
    """
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return IPv6Address(text)
        except ValueError:
            return None
    return _parse_ipv4_forms(text.removesuffix("."))


def _parse_ipv4_forms(text: str) -> IPv4Address | None:
    """Parse dotted IPv4 with 1 to 4 parts, each decimal, octal (0...) or hex (0x...)."""
    parts = text.split(".")
    if not text or len(parts) > 4:
        return None
    numbers = [_parse_ipv4_number(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    *leading, last = values
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(values)):
        return None
    total = last
    for index, n in enumerate(leading):
        total += n << (8 * (3 - index))
    return IPv4Address(total)


def _parse_ipv4_number(part: str) -> int | None:
    """One part of an inet_aton address, or None if it is not a number (so a name)."""
    match = _IPV4_NUMBER.fullmatch(part)
    if match is None:
        return None
    hex_digits, octal_digits, decimal_digits = match.groups()
    if hex_digits is not None:
        return int(hex_digits or "0", 16)
    if octal_digits is not None:
        return int(octal_digits, 8)
    return int(decimal_digits, 10)


def is_local_name(host: str) -> bool:
    """True for names that mean this machine (RFC 6761), refused without any lookup."""
    name = host.strip().lower().removesuffix(".")
    return name in LOCAL_NAMES or name.endswith(".localhost")


def describe_refusal(host: str, ip: IPAddress) -> str | None:
    """The one sentence to show when `ip` (what `host` means) is refused; None if allowed."""
    kind = address_kind(ip)
    if kind == PUBLIC:
        return None
    article = "an" if kind[0] in "aeiou" else "a"
    shown = host.strip("[]")
    literal = parse_host_address(host)
    if literal is None:
        return f"{shown} resolves to {article} {kind} address ({ip}), which is not allowed."
    if isinstance(literal, IPv4Address) and shown != str(ip):
        return f"{shown} is {article} {kind} address ({ip}), which is not allowed."
    return f"{shown} is {article} {kind} address, which is not allowed."


__all__ = [
    "IPAddress",
    "address_kind",
    "describe_refusal",
    "is_local_name",
    "is_public_address",
    "parse_host_address",
]
