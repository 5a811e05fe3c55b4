"""PDF rendering with WeasyPrint. Chinese text needs a CJK font: Debian's fonts-noto-cjk."""
from __future__ import annotations

from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from flask import render_template

CJK_FONT_STACK = '"Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans TC", "Noto Sans CJK SC", sans-serif'


# A document's steps, for a job's progress: the HTML made, the pages laid out, the PDF written.
PDF_STEPS = 3


def html_to_pdf(html: str, *, base_url: str | None = None, progress: Callable[[int], None] | None = None,
                images: dict[str, bytes] | None = None) -> bytes:
    """`images`: PNG images the HTML names by these URLs (anything else is fetched as usual)."""
    from weasyprint import HTML, default_url_fetcher

    def fetch(url: str, *args, **kwargs):
        if images and url in images:
            return {"string": images[url], "mime_type": "image/png"}
        return default_url_fetcher(url, *args, **kwargs)

    document = HTML(string=html, base_url=base_url, url_fetcher=fetch).render()  # the layout: most of the time
    if progress:
        progress(2)
    return document.write_pdf()


def render_pdf(template: str, *, progress: Callable[[int], None] | None = None, **context) -> bytes:
    """Render templates/<template> to HTML, then to PDF bytes. progress(step), if given, hears of the
    first two of PDF_STEPS as each ends (the caller's own end is the third)."""
    html = render_template(template, cjk_font_stack=CJK_FONT_STACK, **context)
    if progress:
        progress(1)
    return html_to_pdf(html, progress=progress)


def _pool_context():
    """Child processes forked from a small server that has already imported WeasyPrint.

    Not plain fork: the job worker runs threads, and forking a threaded process can copy a held lock.
    """
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["forum.pdf", "forum.qr", "weasyprint"])
    return context


# A layout makes hundreds of thousands of short-lived objects; at Python's default threshold (a young
# collection every 700 allocations) collecting took about a quarter of a chunk's time. The pool's
# processes do nothing else, so they collect less often: 1,000 badges on two processes 9.3-9.6 s
# instead of 10.2-10.8 s. Rarer still (10,000) was no faster and took 1 GB at the peak instead of 830 MB.
RENDER_GC_THRESHOLD = (5_000, 10, 10)


def _render_process_ready() -> None:
    """In each pool process before its first document: what the preload imported is kept for good
    (frozen out of the collector's sight), and young objects are collected less often."""
    import gc

    gc.freeze()
    gc.set_threshold(*RENDER_GC_THRESHOLD)


@contextmanager
def process_pool(processes: int):
    """A pool of `processes` child processes, or None for one (then everything runs here)."""
    if processes <= 1:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(processes, mp_context=_pool_context(), initializer=_render_process_ready) as pool:
        yield pool


def render_many(documents: Iterable[tuple[str, dict[str, bytes]]], pool=None, processes: int = 1) -> Iterator[bytes]:
    """The PDF of each (HTML, images) document (see html_to_pdf), in order, laid out in the pool's
    processes at once.

    At most two documents per process wait in flight, so memory stays bounded however many there are.
    """
    if pool is None:
        for html, images in documents:
            yield html_to_pdf(html, images=images)
        return
    waiting: deque = deque()
    for html, images in documents:
        waiting.append(pool.submit(html_to_pdf, html, images=images))
        if len(waiting) >= 2 * processes:
            yield waiting.popleft().result()
    while waiting:
        yield waiting.popleft().result()
