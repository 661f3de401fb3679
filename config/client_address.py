"""The address a request really came from, for sign-in throttling behind the council's load balancers."""

from django.conf import settings


def client_address(request) -> str | None:
    """The client's address as the nearest of our own proxies saw it.

    Behind a load balancer REMOTE_ADDR is the balancer's, the same for everyone: django-axes, counting
    wrong passwords per username and address, would then let anyone lock any family or officer out
    with five guesses. Each of the PROXY_COUNT proxies in front of us appends the address it was
    reached from to X-Forwarded-For, so the one we trust is that many places from the right; anything
    further left was written by the client and may be invented.
    """
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [address.strip() for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
