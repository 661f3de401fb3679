"""How long each kind of Celery task may run: every task in the project takes one of these.

The soft limit raises `SoftTimeLimitExceeded` inside the task, so the transaction it is in rolls back and
nothing is half-written; the hard limit ends the worker process a little later if the task still does not
stop (a stuck connection, say). Nothing is lost either way: the sweeps work in committed batches and the
next run picks up where this one stopped, and a message's outbox row is sent again by the re-dispatch.
"""

# The periodic sweeps run every one to sixty minutes and commit batch by batch: five minutes is far longer
# than a sweep of a national backlog takes (bench/), and short enough that a stuck one does not hold a worker.
SWEEP_LIMITS = {"soft_time_limit": 240, "time_limit": 300}
# One message to one person: an SMTP or Notify call, with its own network timeouts well inside this.
SEND_LIMITS = {"soft_time_limit": 60, "time_limit": 90}
# The nightly check of every case file's hash chain reads every chained record once, in committed batches:
# minutes for a council, longer nationally (bench/). Four hours ends before the working day whatever the size.
NIGHTLY_LIMITS = {"soft_time_limit": 4 * 3600, "time_limit": 4 * 3600 + 300}
