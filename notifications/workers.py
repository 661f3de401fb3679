"""Which worker process is sending a notification, and whether it is still there.

A send claims its row under the worker's name (machine and process id). If that process is killed
between the mail server taking the message and the row being marked sent, the row stays "sending";
the re-dispatch takes it up again at once when the process ran on its own machine and has ended, and
otherwise once NOTIFICATIONS_SENDING_TIMEOUT_SECONDS have passed.
"""

import os
import socket


def this_machine() -> str:
    return socket.gethostname()


def this_worker() -> str:
    """Which process is sending: its machine and process id."""
    return f"{this_machine()}:{os.getpid()}"


def worker_gone_from_this_machine(claimed_by: str) -> bool:
    """Whether the process that claimed a send ran on this machine and has ended (killed, say).

    Only this machine's processes can be looked at; a send claimed elsewhere waits for its time limit.
    """
    host, _, pid = claimed_by.rpartition(":")
    if host != this_machine() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # Someone else's process with that id: it exists.
    return False
