"""The proxies the environment asks for, picked per URL by the rules of httpx's ``trust_env``.

``HTTP_PROXY``, ``HTTPS_PROXY`` and ``ALL_PROXY`` (through :func:`urllib.request.getproxies`) name
proxies for ``http://``, ``https://`` and every URL; ``NO_PROXY`` lists hosts reached directly. A URL
takes the most specific rule that matches it (a port before none, a longer host, then a longer scheme),
as httpx orders its mounts.

>>> proxies = EnvironmentProxies.read()  # with HTTP_PROXY=127.0.0.1:3128
>>> proxies.for_url(httpx.URL("http://api.skytells.invalid/v1"))
'http://127.0.0.1:3128'
"""

from __future__ import annotations

import ipaddress
import re
import urllib.request

import httpx

__all__ = ["EnvironmentProxies", "environment_rules"]


def environment_rules() -> dict[str, str | None]:
    """URL patterns -> proxy URL, or None for a host ``NO_PROXY`` sends direct (httpx's reading)."""
    found = urllib.request.getproxies()
    rules: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        if found.get(scheme):
            proxy = found[scheme]
            rules[f"{scheme}://"] = proxy if "://" in proxy else f"http://{proxy}"
    for host in (name.strip() for name in found.get("no", "").split(",")):
        if host == "*":
            return {}
        if not host:
            continue
        if "://" in host:
            rules[host] = None
        elif _is_ip(host, ipaddress.IPv4Address) or host.lower() == "localhost":
            rules[f"all://{host}"] = None
        elif _is_ip(host, ipaddress.IPv6Address):
            rules[f"all://[{host}]"] = None
        else:  # "example.com" covers example.com and its subdomains, ".example.com" the subdomains only
            rules[f"all://*{host}"] = None
    return rules


class EnvironmentProxies:
    """The proxy (its URL as configured) a request goes through, if any."""

    def __init__(self, rules: dict[str, str | None]) -> None:
        self._patterns = [(_Pattern(key), proxy) for key, proxy in rules.items()]
        self._patterns.sort(key=lambda rule: rule[0].priority)  # stable: ties keep the order above
        #: the distinct proxies, by their URL as configured
        self.proxies = {proxy: httpx.Proxy(proxy) for _, proxy in self._patterns if proxy is not None}

    @classmethod
    def read(cls) -> EnvironmentProxies:
        return cls(environment_rules())

    def for_url(self, url: httpx.URL) -> str | None:
        """The proxy for `url` (a key of :attr:`proxies`), or None to connect directly."""
        for pattern, proxy in self._patterns:
            if pattern.matches(url):
                return proxy
        return None


class _Pattern:
    """``scheme://host:port`` with ``all`` for any scheme and a leading ``*`` in the host as a wildcard."""

    def __init__(self, pattern: str) -> None:
        url = httpx.URL(pattern)
        self.scheme = "" if url.scheme == "all" else url.scheme
        self.host = "" if url.host == "*" else url.host
        self.port = url.port
        self.host_regex: re.Pattern[str] | None = None
        if self.host.startswith("*."):  # www.example.com, not example.com
            self.host_regex = re.compile(f"^.+\\.{re.escape(self.host[2:])}$")
        elif self.host.startswith("*"):  # example.com and www.example.com
            self.host_regex = re.compile(f"^(.+\\.)?{re.escape(self.host[1:])}$")
        elif self.host:
            self.host_regex = re.compile(f"^{re.escape(self.host)}$")
        #: more specific first: with a port, then by host length, then by scheme length
        self.priority = (0 if self.port is not None else 1, -len(self.host), -len(self.scheme))

    def matches(self, url: httpx.URL) -> bool:
        if self.scheme and self.scheme != url.scheme:
            return False
        if self.host_regex is not None and not self.host_regex.match(url.host):
            return False
        return self.port is None or self.port == url.port


def _is_ip(host: str, kind: type[ipaddress.IPv4Address] | type[ipaddress.IPv6Address]) -> bool:
    try:
        kind(host.split("/")[0])
    except ValueError:
        return False
    return True
