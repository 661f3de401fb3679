"""What apps above casework add to the demo borough once it is built.

Each app registers a function from its AppConfig.ready() (`casefile` adds evidence to some concerns), so the
demo calls them without casework importing the apps (README "Layout"). Each runs inside the demo's
transaction, after the borough and its cases are written, and only when the borough is first made.
"""

from collections.abc import Callable

DEMO_EXTRAS: list[Callable[[], object]] = []


def demo_extra(add: Callable[[], object]) -> Callable[[], object]:
    """Register `add` to run once the demo borough is built."""
    if add not in DEMO_EXTRAS:
        DEMO_EXTRAS.append(add)
    return add
