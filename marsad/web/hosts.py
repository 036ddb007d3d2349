"""Which `Host` names the server answers to: loopback names, the address it is bound to, and the names
given with `--allow-host`. A page of another site that rebinds its own name to 127.0.0.1 (DNS
rebinding) sends its own name as `Host`, and is refused."""

from __future__ import annotations

from collections.abc import Iterable

from marsad.errors import MarsadError

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Addresses that bind every interface: the names clients will use cannot be guessed from them.
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The host names a server bound to `bound` answers to; `extra` adds names (never needed for loopback).

    Raises `MarsadError` for an address on every interface without names to allow."""
    names = set(LOCAL_HOSTS) | {host_name(name) for name in extra if name.strip()}
    if bound in WILDCARD_HOSTS:
        if names == LOCAL_HOSTS:
            raise MarsadError(
                f"serving on every interface ({bound or 'all'}): name the host names or addresses clients will "
                "use with --allow-host NAME (requests naming any other host are refused, against DNS rebinding)"
            )
    else:
        names.add(host_name(bound))
    return frozenset(names)


def host_name(header: str) -> str:
    """The name of a `Host` header or an address, without port or brackets, in lower case: "[::1]:80" -> "::1"."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")
