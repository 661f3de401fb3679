import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a call as a request would: what it queues after commit (an email) runs when it returns."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run
