"""PDF rendering with WeasyPrint. Chinese text needs a CJK font: Debian's fonts-noto-cjk."""
from __future__ import annotations

from flask import render_template

CJK_FONT_STACK = '"Noto Sans CJK TC", "Noto Sans CJK HK", "Noto Sans TC", "Noto Sans CJK SC", sans-serif'


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def render_pdf(template: str, **context) -> bytes:
    """Render templates/<template> to HTML, then to PDF bytes."""
    html = render_template(template, cjk_font_stack=CJK_FONT_STACK, **context)
    return html_to_pdf(html)
