"""Tables read on every concern and changed a few times a year, kept in Django's cache.

Logging a concern reads the kinds of concern, the routing rules, the SLA policies and
the closure days; an administrator changes them rarely. Each kind of table is a
namespace whose entries carry a generation: any save or delete of one of its rows
starts a new generation, so no entry cached before the change is read again. The
generation moves at once, for the rest of the writing transaction, and again after
commit, so that no process can cache what it read before the change committed.

The cache is shared by every process (Redis when REDIS_URL is set, else a folder in
VAR_DIR: config/settings/base.py), so a change made in the admin reaches the web
processes and the Celery worker alike. A timeout bounds anything changed behind the
ORM's back, such as a fix made in SQL.
"""

import logging
from collections.abc import Callable
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 300
# What a cache that is not answering raises: Redis's errors, or the file cache's.
CACHE_DOWN = (RedisError, OSError)


def read_mostly(namespace: str, key: str, load: Callable):
    """The value cached under `key` in `namespace`, or `load()` cached there now.

    Each caller gets its own copy (the cache keeps values pickled), so nothing one
    request does to a cached object reaches another.
    """
    generation_key, entry_key = _generation_key(namespace), f"read-mostly:{namespace}:{key}"
    try:
        # One round trip to Redis: the namespace's generation and the entry, which names the generation it was read in.
        found = cache.get_many([generation_key, entry_key])
        generation = found.get(generation_key) or _new_generation(namespace)
        entry = found.get(entry_key)
        if entry is not None and entry[0] == generation:
            return entry[1]
        value = load()
        cache.set(entry_key, (generation, value), TIMEOUT_SECONDS)
        return value
    except CACHE_DOWN:
        # Redis down means slower, never refused: the database has the answer.
        logger.warning("The cache is not answering: %s is read from the database.", namespace)
        return load()


def forget(namespace: str) -> None:
    """Nothing cached in `namespace` so far is read again, in this transaction or after it commits.

    If the cache is not answering, what it holds is read again at the latest after TIMEOUT_SECONDS.
    """
    _new_generation_if_cache_answers(namespace)
    transaction.on_commit(lambda: _new_generation_if_cache_answers(namespace))


def _new_generation_if_cache_answers(namespace: str) -> None:
    try:
        _new_generation(namespace)
    except CACHE_DOWN:
        logger.warning("The cache is not answering: %s may be read as it was for up to %s s.", namespace, TIMEOUT_SECONDS)


def forget_when_changed(namespace: str, *models) -> None:
    """Forget `namespace` whenever a row of any of `models` is saved or deleted."""

    def changed(sender, **kwargs) -> None:
        forget(namespace)

    for model in models:
        uid = f"read-mostly:{namespace}:{model._meta.label_lower}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:delete")


def _generation_key(namespace: str) -> str:
    return f"read-mostly:{namespace}:generation"


def _new_generation(namespace: str) -> str:
    generation = uuid4().hex
    cache.set(_generation_key(namespace), generation, TIMEOUT_SECONDS)
    return generation
