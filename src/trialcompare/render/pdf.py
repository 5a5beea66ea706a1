"""PDF rendering (WeasyPrint) with a closed, reproducible environment; the templates themselves are in
:mod:`trialcompare.render.templating` (re-exported here).

Three guarantees are made here, and tested in ``tests/render/test_pdf.py``:

* **Autoescaping.** Every template is rendered with HTML autoescaping and ``StrictUndefined``, so a
  value read from a descriptor (``<script>``, ``&``, ``<img src=...>``) is shown as text and a missing
  variable is an error, not an empty string.
* **No outside resources.** WeasyPrint receives :class:`SafeURLFetcher`, which serves only ``data:``
  URIs and files bundled in the project's ``templates/`` folder, addressed as ``asset:<relative
  path>`` (``asset:report.css``, ``asset:fonts/DejaVuSans.ttf``). ``file:``, ``http(s):``, ``ftp:``,
  relative references and anything that would leave ``templates/`` (``..``, absolute paths,
  symbolic links pointing outside) are refused with :class:`ValueError`; WeasyPrint logs the refusal
  and renders without the resource.
* **Byte-identical output.** The PDF's ``/CreationDate`` and ``/ModDate`` come from the ``created``
  value given by the caller, the file identifier is a hash of the content, fonts come from the
  bundled files, and the ``head.modified`` timestamp that fontTools stamps into every font subset is
  pinned to ``created`` through ``SOURCE_DATE_EPOCH`` while the PDF is written; so rendering the same
  HTML twice, in one process or in two, gives the same bytes.

Relative references do not resolve against ``asset:`` (it is not a hierarchical URL scheme), so
templates and stylesheets must write bundled resources with the full ``asset:`` prefix.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, unquote_to_bytes

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .plots import FIGURE_SCHEME, FigureCall
from .templating import (
    TEMPLATES_ENV_VAR,
    TemplatesNotFoundError,
    _resolve_root,
    make_environment,
    render_template,
    templates_dir,
)

__all__ = [
    "ASSET_SCHEME",
    "TEMPLATES_ENV_VAR",
    "SafeURLFetcher",
    "TemplatesNotFoundError",
    "html_to_pdf",
    "make_environment",
    "pdf_date",
    "render_template",
    "safe_url_fetcher",
    "templates_dir",
]

#: URL scheme under which files of ``templates/`` are served to WeasyPrint.
ASSET_SCHEME = "asset"
_MIME_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".icc": "application/vnd.iccprofile",
}
_MAX_URL_IN_MESSAGE = 80


# --------------------------------------------------------------------------------------------------
# URL fetcher
# --------------------------------------------------------------------------------------------------


def _short(url: str) -> str:
    return url if len(url) <= _MAX_URL_IN_MESSAGE else url[: _MAX_URL_IN_MESSAGE - 1] + "…"


def _response(url: str, body: bytes, content_type: str) -> URLFetcherResponse:
    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def _fetch_data_uri(url: str) -> URLFetcherResponse:
    """Decode an RFC 2397 ``data:`` URI."""
    header, sep, payload = url[len("data:") :].partition(",")
    if not sep:
        raise ValueError(f"malformed data: URI (no comma): {_short(url)!r}")
    params = [p.strip() for p in header.split(";")]
    is_base64 = bool(params) and params[-1].lower() == "base64"
    if is_base64:
        params.pop()
    raw = unquote_to_bytes(payload)
    if is_base64:
        try:
            raw = base64.b64decode(b"".join(raw.split()), validate=True)
        except binascii.Error as exc:
            raise ValueError(f"malformed base64 in data: URI {_short(url)!r}: {exc}") from exc
    content_type = ";".join(params) if params and params[0] else "text/plain;charset=US-ASCII"
    return _response(url, raw, content_type)


def _asset_relative_path(url: str) -> PurePosixPath:
    """Validate the path part of an ``asset:`` URL and return it as a relative POSIX path."""
    spec = url[len(ASSET_SCHEME) + 1 :].split("#", 1)[0]
    if "?" in spec:
        raise ValueError(f"asset URL must not have a query: {_short(url)!r}")
    spec = unquote(spec)
    parts = spec.split("/")
    bad = not spec or spec.startswith("/") or "\\" in spec or "\x00" in spec
    if bad or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"asset URL must be a plain relative path inside templates/: {_short(url)!r}")
    return PurePosixPath(*parts)


def _fetch_asset(url: str, root: Path) -> URLFetcherResponse:
    """Serve a file of ``root`` named by an ``asset:`` URL, refusing anything outside ``root``."""
    relative = _asset_relative_path(url)
    try:
        target = root.joinpath(*relative.parts).resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise ValueError(f"asset not found: {_short(url)!r}") from exc
    if not target.is_relative_to(root) or not target.is_file():
        raise ValueError(f"asset URL escapes templates/ or is not a file: {_short(url)!r}")
    content_type = _MIME_TYPES.get(target.suffix.lower(), "application/octet-stream")
    return _response(f"{ASSET_SCHEME}:{relative.as_posix()}", target.read_bytes(), content_type)


def safe_url_fetcher(url: str, *, root: str | os.PathLike[str] | None = None) -> URLFetcherResponse:
    """Fetch ``url`` for WeasyPrint if, and only if, it is a ``data:`` URI or a bundled asset.

    Parameters
    ----------
    url : str
        The URL WeasyPrint asks for.
    root : str or os.PathLike, optional
        Folder that ``asset:`` URLs are resolved in; default: the project's ``templates/``.

    Returns
    -------
    weasyprint.urls.URLFetcherResponse
        The resource's bytes with its content type (from the ``data:`` header, or from the file
        suffix of an asset).

    Raises
    ------
    ValueError
        For any other scheme (``file:``, ``http:``, ``https:``, ``ftp:``…), a relative reference, a
        malformed ``data:`` URI, or an asset path that is absolute, contains ``.``/``..``/empty
        segments, does not exist, is not a regular file or resolves (through a symbolic link)
        outside ``root``.

    Notes
    -----
    WeasyPrint (v70) calls its ``url_fetcher`` as ``url_fetcher(url)`` and reads the private flag
    ``url_fetcher._fail_on_errors`` when the call raises, so pass :class:`SafeURLFetcher` (a
    ``weasyprint.urls.URLFetcher`` subclass that delegates here) rather than this function.

    Examples
    --------
    >>> safe_url_fetcher("data:text/plain;base64,aGk=").read()
    b'hi'
    >>> safe_url_fetcher("file:///etc/passwd")
    Traceback (most recent call last):
    ...
    ValueError: refused to fetch 'file:///etc/passwd': only asset: (bundled) and data: URLs are allowed
    """
    scheme, sep, _ = url.partition(":")
    scheme = scheme.lower() if sep else ""
    if scheme == "data":
        return _fetch_data_uri(url)
    if scheme == ASSET_SCHEME:
        return _fetch_asset(url, _resolve_root(root))
    raise ValueError(f"refused to fetch {_short(url)!r}: only asset: (bundled) and data: URLs are allowed")


class SafeURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher that serves only ``data:`` URIs and bundled ``asset:`` files.

    Parameters
    ----------
    root : str or os.PathLike, optional
        Folder for ``asset:`` URLs; default: the project's ``templates/``.
    figures : mapping of str to str, optional
        SVG text by ``figure:<n>`` URL (:func:`html_to_pdf`).

    Attributes
    ----------
    requested : list of str
        Every URL WeasyPrint asked for, in order (``data:`` URIs shortened).
    refused : list of str
        The subset that was refused.

    Notes
    -----
    Refusals raise :class:`ValueError`, which WeasyPrint logs as a warning before rendering
    without the resource; ``fail_on_errors`` stays off so a stray reference cannot abort a report.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None, figures: Mapping[str, str] | None = None) -> None:
        super().__init__(allowed_protocols=(ASSET_SCHEME, "data", FIGURE_SCHEME), allow_redirects=False)
        self.root = _resolve_root(root)
        self.figures = dict(figures or {})
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the resource for ``url`` or raise :class:`ValueError` (see :func:`safe_url_fetcher`).

        ``figure:<n>`` is served from ``figures`` (SVG text by URL), given by :func:`html_to_pdf`.

        Parameters
        ----------
        url : str
        headers : dict of str to str, optional
            Unused (WeasyPrint's interface).

        Returns
        -------
        URLFetcherResponse
        """
        self.requested.append(_short(url))
        try:
            if url in self.figures:
                return _response(url, self.figures[url].encode("utf-8"), "image/svg+xml")
            return safe_url_fetcher(url, root=self.root)
        except ValueError:
            self.refused.append(_short(url))
            raise


# --------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------


def pdf_date(created: datetime | date | str) -> str:
    """Normalise a creation time to a W3C date-time string in UTC (``YYYY-MM-DDTHH:MM:SSZ``).

    Parameters
    ----------
    created : datetime, date or str
        A timezone-aware ``datetime`` (a naive one is taken as UTC), a ``date`` (midnight UTC) or an
        ISO 8601 string such as ``"2024-05-01"`` or ``"2024-05-01T12:00:00+02:00"``.

    Returns
    -------
    str
        The same instant as ``YYYY-MM-DDTHH:MM:SSZ`` (seconds precision).

    Raises
    ------
    ValueError
        If the string is not ISO 8601. ``TypeError`` for other types.

    Examples
    --------
    >>> pdf_date("2024-05-01T12:30:00+02:00")
    '2024-05-01T10:30:00Z'
    >>> pdf_date("2024-05-01")
    '2024-05-01T00:00:00Z'
    """
    if isinstance(created, str):
        try:
            created = datetime.fromisoformat(created.strip())
        except ValueError as exc:
            raise ValueError(f"created must be an ISO 8601 date or date-time, got {created!r}") from exc
    elif isinstance(created, date) and not isinstance(created, datetime):
        created = datetime(created.year, created.month, created.day)
    elif not isinstance(created, datetime):
        raise TypeError(f"created must be datetime, date or str, not {type(created).__name__}")
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextlib.contextmanager
def _source_date_epoch(stamp: str) -> Iterator[None]:
    """Set ``SOURCE_DATE_EPOCH`` to ``stamp`` for the duration of the block, then restore it.

    fontTools (WeasyPrint's font subsetter when HarfBuzz-subset is missing) writes the current time
    into each subset font's ``head`` table unless this reproducible-builds variable is set.
    """
    epoch = str(int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def html_to_pdf(
    html: str,
    *,
    created: datetime | date | str,
    title: str,
    base_url: str = f"{ASSET_SCHEME}:",
    url_fetcher: SafeURLFetcher | None = None,
    figures: Sequence[FigureCall] = (),
) -> bytes:
    """Render an HTML string to PDF bytes, reproducibly and without outside resources.

    Parameters
    ----------
    html : str
        The complete HTML document (usually from :func:`render_template`). Stylesheets, fonts and
        images must be ``asset:`` URLs or ``data:`` URIs; anything else is refused and skipped.
    created : datetime, date or str
        Creation time written to ``/CreationDate`` and ``/ModDate`` (see :func:`pdf_date`). It must
        be derived from the inputs by the caller (e.g. a date recorded in the report spec), never
        from the clock or from file modification times, or the PDF will not be reproducible.
    title : str
        Document title written to the PDF metadata (overrides the HTML ``<title>``).
    base_url : str, default "asset:"
        Base URL of the document. Relative references do not resolve against ``asset:`` and are
        refused, so the default makes stray relative links harmless.
    url_fetcher : SafeURLFetcher, optional
        A fetcher instance to use (e.g. to inspect ``.requested`` afterwards); a new one by default.
        Other fetcher types are rejected.
    figures : sequence of FigureCall
        Figures recorded by :func:`~trialcompare.render.plots.deferred_figures`: drawn here, and served to
        WeasyPrint at their ``figure:<n>`` URLs.

    Returns
    -------
    bytes
        The PDF. Identical bytes for identical arguments (same WeasyPrint, fontTools and font
        versions).

    Raises
    ------
    TypeError
        If ``url_fetcher`` is not a :class:`SafeURLFetcher`.

    Notes
    -----
    ``SOURCE_DATE_EPOCH`` is set in the process environment while the PDF is written (and restored
    afterwards), so concurrent renders in threads of one process must not use different ``created``
    values.

    Examples
    --------
    >>> pdf = html_to_pdf("<p>Hello</p>", created="2024-01-01", title="Hello")
    >>> pdf[:5]
    b'%PDF-'
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if url_fetcher is None:
        url_fetcher = SafeURLFetcher()
    elif not isinstance(url_fetcher, SafeURLFetcher):
        raise TypeError("url_fetcher must be a SafeURLFetcher")
    url_fetcher.figures.update({f"{FIGURE_SCHEME}:{n}": call.svg() for n, call in enumerate(figures)})
    stamp = pdf_date(created)
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher).render(font_config=font_config)
    document.metadata.title = title
    document.metadata.created = stamp
    document.metadata.modified = stamp
    with _source_date_epoch(stamp):
        return document.write_pdf(pdf_identifier=True)
