"""Site-wide HTTP rules that hold whoever is asking: which methods the site answers at all."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

# What a browser (and htmx) sends to this site. OPTIONS is not among them: nothing here is called
# cross-origin, so no CORS preflight ever needs an answer, and a function view would otherwise
# render itself for it as for a GET.
ALLOWED_METHODS = ("GET", "HEAD", "POST")


def not_allowed(allowed: list[str] | tuple[str, ...]) -> HttpResponseNotAllowed:
    """A short, plain 405 that says what the address accepts; never a page, never a traceback."""
    methods = ", ".join(allowed)
    return HttpResponseNotAllowed(
        allowed,
        f"This address does not accept that kind of request. It accepts: {methods}.\n",
        content_type="text/plain; charset=utf-8",
    )


class AllowedMethodsMiddleware:
    """Answers 405 to every method but GET, HEAD and POST, before any view runs.

    Function views do not look at the method unless told to, so a PUT, DELETE or made-up method
    used to render a page as if it were a GET (and Django's LoginView treats PUT as POST). Last in
    MIDDLEWARE on purpose: the refusal still passes back through the others, so it carries the
    same security and caching headers as every other answer.

    It also puts a line of text in the empty 405s that require_POST and require_safe return, so
    every refusal says what the address accepts.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ALLOWED_METHODS:
            return not_allowed(ALLOWED_METHODS)
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content and "Allow" in response:
            explained = not_allowed([m.strip() for m in response["Allow"].split(",")])
            response.content = explained.content
            response["Content-Type"] = explained["Content-Type"]
        return response
