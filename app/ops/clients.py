"""Who the client is: the direct peer, or what a trusted proxy says in X-Forwarded-For / -Proto."""

from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

_MAX_REMEMBERED = 4096


class TrustedProxies:
    """The proxies (IPs or CIDRs) whose forwarding headers are believed; nobody else's are."""

    def __init__(self, spec: str) -> None:
        self.networks: list[IPv4Network | IPv6Network] = [
            ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip()
        ]
        # Parsing an address costs microseconds; a handful of proxies ask over and over.
        self._verdicts: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, host: str) -> bool:
        verdict = self._verdicts.get(host)
        if verdict is None:
            try:
                address = ip_address(host)
            except ValueError:
                verdict = False
            else:
                verdict = any(address in network for network in self.networks)
            if len(self._verdicts) >= _MAX_REMEMBERED:
                self._verdicts.clear()  # header values are attacker-chosen: keep the memo bounded
            self._verdicts[host] = verdict
        return verdict

    def client_address(self, peer: str, forwarded_for: bytes | None) -> str:
        """The rightmost X-Forwarded-For hop that is not one of our proxies.

        Hops left of it were written by the client itself and could say anything, so they are ignored.
        """
        if not forwarded_for:
            return peer
        client = peer
        for hop in reversed(forwarded_for.decode("latin-1").split(",")):
            hop = hop.strip()
            try:
                hop = str(ip_address(hop))
            except ValueError:
                return client  # garbage ("unknown", a name): stop at the last address we could verify
            client = hop
            if not self.trusts(hop):
                return hop
        return client


def forwarded_scheme(value: bytes | None) -> str | None:
    """The scheme a trusted proxy says the client used; only http and https are believed."""
    if not value:
        return None
    scheme = value.split(b",")[0].strip().lower()
    return scheme.decode() if scheme in (b"http", b"https") else None
