"""The shared QR and PDF helpers produce real, readable artefacts."""
from forum.pdf import html_to_pdf
from forum.qr import qr_png, qr_svg
from tests.support.documents import decode_qr, pdf_page_count, pdf_pages_png, pdf_text


def test_qr_png_decodes_back():
    assert decode_qr(qr_png("HKF1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")) == ["HKF1ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"]


def test_pdf_with_chinese_and_qr_svg_renders_and_decodes():
    html = f"""<html><body style="font-family: 'Noto Sans CJK TC'">
      <h1>瑪麗醫院 Queen Mary Hospital</h1><div style="width:6cm">{qr_svg("https://forum.test/b/A01")}</div>
    </body></html>"""
    pdf = html_to_pdf(html)
    assert pdf_page_count(pdf) == 1
    assert "瑪麗醫院" in pdf_text(pdf)
    assert decode_qr(pdf_pages_png(pdf, dpi=150)[0]) == ["https://forum.test/b/A01"]
