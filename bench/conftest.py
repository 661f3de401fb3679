from tests.conftest import *  # noqa: F403 (the suite's fixtures, for bench/queue_pages.py)
