"""No page or API answer of this service is kept by a browser or a proxy."""

from django.utils.cache import patch_cache_control


def never_stored(get_response):
    """Middleware: every answer that has not said otherwise is `Cache-Control: private, no-store`.

    Every page and API answer here is about a child (special category data), and families sign in on
    shared computers: a page kept in the browser's cache came back with the Back button after the
    family had signed out, for the next person at the computer. Static files (served before this, by
    WhiteNoise or runserver) keep their own long caching.
    """

    def middleware(request):
        response = get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware
