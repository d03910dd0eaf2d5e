"""The SSRF decision as pure function calls: no socket is opened here."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.ingest.stages.fetch.netguard import (
    address_kind,
    describe_refusal,
    is_local_name,
    is_public_address,
    parse_host_address,
)


def teredo(server: str, client: str) -> str:
    """A Teredo address carrying `server` and (obfuscated, as the protocol does) `client`."""
    value = (0x20010000 << 96) | (int(IPv4Address(server)) << 64) | (int(IPv4Address(client)) ^ 0xFFFFFFFF)
    return str(IPv6Address(value))


REFUSED = [
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("169.254.0.1", "link-local"),
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.254", "private"),
    ("192.168.1.1", "private"),
    ("100.64.0.1", "shared"),
    ("100.127.255.254", "shared"),
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.10", "reserved"),
    ("198.18.0.1", "reserved"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fc00::1", "private"),
    ("fd12:3456:789a::1", "private"),
    ("fe80::1", "link-local"),
    ("fe80::1%2", "link-local"),
    ("febf:ffff::1", "link-local"),
    ("ff02::1", "multicast"),
    ("2001:db8::1", "reserved"),
    ("64:ff9b:1::1", "private"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.1.2.3", "private"),
    ("::ffff:169.254.169.254", "link-local"),
    ("::ffff:0.0.0.0", "unspecified"),
    ("::127.0.0.1", "loopback"),  # IPv4-compatible
    ("::8.8.8.8", "reserved"),  # IPv4-compatible, deprecated even for a public address
    ("64:ff9b::127.0.0.1", "loopback"),  # NAT64
    ("64:ff9b::192.168.0.1", "private"),
    ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
    ("2002:a9fe:a9fe::1", "link-local"),  # 6to4 of 169.254.169.254
    (teredo("8.8.4.4", "127.0.0.1"), "loopback"),
    (teredo("10.0.0.1", "8.8.8.8"), "private"),
]

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "100.63.255.255",  # just below 100.64/10
    "100.128.0.0",  # just above
    "172.15.255.255",
    "172.32.0.0",
    "192.167.255.255",
    "169.253.255.255",
    "2606:4700:4700::1111",
    "2a00:1450:4001::1",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
    "2002:808:808::1",
    teredo("8.8.4.4", "9.9.9.9"),
]


@pytest.mark.parametrize(("address", "kind"), REFUSED)
def test_refused_address_classes(address: str, kind: str) -> None:
    ip = ip_address(address)
    assert address_kind(ip) == kind
    assert not is_public_address(ip)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(ip_address(address))


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_ipv4_embedding_is_judged_like_the_address_itself(value: int) -> None:
    ip = IPv4Address(value)
    verdict = is_public_address(ip)
    assert is_public_address(IPv6Address(f"::ffff:{ip}")) == verdict
    assert is_public_address(IPv6Address(f"64:ff9b::{ip}")) == verdict
    assert is_public_address(IPv6Address((0x2002 << 112) | (value << 80))) == verdict


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7F.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("8.8.8.8", "8.8.8.8"),
    ],
)
def test_ip_literal_tricks_are_seen_through(host: str, expected: str) -> None:
    assert parse_host_address(host) == ip_address(expected)


@pytest.mark.parametrize(
    "host",
    [
        "example.test",
        "localhost",
        "1.2.3.4.5",
        "256.1.1.1",
        "1.2.3.256",
        "1.2.65536",
        "09.1.1.1",  # 09 is neither octal nor a plain decimal to inet_aton
        "1_0.0.0.1",
        "-1",
        "+1.2.3.4",
        "1e2",
        "\uff11\uff12\uff17.0.0.1",  # full-width digits
        "[::1",
        "",
    ],
)
def test_names_and_junk_are_not_addresses(host: str) -> None:
    assert parse_host_address(host) is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_decimal_and_hex_forms_round_trip(value: int) -> None:
    assert parse_host_address(str(value)) == IPv4Address(value)
    assert parse_host_address(hex(value)) == IPv4Address(value)


@pytest.mark.parametrize(
    ("host", "expected"),
    [("localhost", True), ("LOCALHOST.", True), ("feeds.localhost", True), ("localhost.example.test", False)],
)
def test_local_names(host: str, expected: bool) -> None:
    assert is_local_name(host) is expected


def test_refusal_sentences_name_host_kind_and_address() -> None:
    loopback = ip_address("127.0.0.1")
    assert describe_refusal("127.0.0.1", loopback) == "127.0.0.1 is a loopback address, which is not allowed."
    assert describe_refusal("2130706433", loopback) == (
        "2130706433 is a loopback address (127.0.0.1), which is not allowed."
    )
    assert describe_refusal("example.test", ip_address("10.0.0.1")) == (
        "example.test resolves to a private address (10.0.0.1), which is not allowed."
    )
    assert describe_refusal("[::1]", ip_address("::1")) == "::1 is a loopback address, which is not allowed."
    assert describe_refusal("example.test", ip_address("8.8.8.8")) is None


def test_unspecified_takes_an() -> None:
    sentence = describe_refusal("0.0.0.0", ip_address("0.0.0.0"))
    assert sentence == "0.0.0.0 is an unspecified address, which is not allowed."
