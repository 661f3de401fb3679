"""Running services at the same moment, each in its own thread and database connection (PostgreSQL only)."""

import threading

from django.db import connection


def in_threads(*jobs) -> list[Exception | None]:
    """Run each job in its own thread; return what each raised, in order, None where it raised nothing."""
    raised: list[Exception | None] = [None] * len(jobs)

    def run(index, job):
        try:
            job()
        except Exception as error:  # returned to the test: a thread cannot fail it itself
            raised[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return raised
