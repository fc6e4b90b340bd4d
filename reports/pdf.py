"""PDF of a report page, rendered by WeasyPrint from the same HTML the browser gets.

WeasyPrint needs Pango (and HarfBuzz, fontconfig and a font) from the operating system: on a
machine without them `import weasyprint` raises OSError. The quick start must still run there, so
the import happens on first use, and `unavailable()` says in one line what to install; the pages
then show that line where the PDF link would be. Static files (the stylesheets) are read from
disk through the staticfiles finders or STATIC_ROOT, never fetched over HTTP, and nothing else is
fetched at all.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# What Debian 12 needs for WeasyPrint (its documentation's list), and a font.
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
# Where the HTML says it is, for resolving its relative links; only /static/ is ever read.
BASE_URL = "https://jointplan.invalid/"


@functools.cache
def _weasyprint() -> Any:
    """The weasyprint module, or the OSError/ImportError that loading it raised."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # loads system libraries: only when a PDF is asked for
    except (OSError, ImportError) as error:
        return error
    # It logs a warning for each screen-only rule of app.css it skips (media queries, SVG paint
    # properties it reads elsewhere): dozens per PDF, none of them news.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return weasyprint


def unavailable() -> str:
    """Why no PDF can be made on this machine, in one line; "" when it can."""
    loaded = _weasyprint()
    if isinstance(loaded, ImportError):
        return "PDF needs the weasyprint Python package: pip install -r requirements.txt"
    if isinstance(loaded, OSError):
        return f"PDF needs the Pango library: apt-get install {SYSTEM_PACKAGES}"
    return ""


def _static_file(url: str) -> Path | None:
    """The file on disk behind a /static/ URL of this site, or None."""
    path = unquote(urlsplit(url).path)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if not path.startswith(prefix):
        return None
    name = path.removeprefix(prefix)
    if ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if isinstance(found, str):
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / name
    return collected if collected.is_file() else None


def render_pdf(html: str) -> bytes:
    """The PDF of a page's HTML: tagged for assistive technology (structure tree, language from
    the page's lang, its <title> in the metadata). Raises RuntimeError when WeasyPrint cannot load."""
    weasyprint = _weasyprint()
    if not hasattr(weasyprint, "HTML"):
        raise RuntimeError(unavailable())
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    class StaticFilesOnly(URLFetcher):
        """Reads this site's static files from disk and refuses every other URL."""

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            found = _static_file(url)
            if found is None:
                raise ValueError(f"not fetched: {url}")
            mime, _ = mimetypes.guess_type(found.name)
            return URLFetcherResponse(
                url, found.read_bytes(), {"Content-Type": mime or "application/octet-stream"}, 200
            )

    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly())
    pdf: bytes = document.write_pdf(pdf_tags=True, pdf_variant="pdf/ua-1", custom_metadata=False)
    return pdf
