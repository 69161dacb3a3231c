import datetime
import io
from decimal import Decimal

import pypdf

from certificates import fonts, pdf


def test_subset_holds_ascii_punctuation_and_gb2312_hanzi():
    chars = fonts.characters()
    assert {ord("A"), ord("，"), ord("“"), ord("社"), ord("庆")} <= chars
    assert ord("喆") not in chars  # not in GB 2312
    assert 6763 < len(chars) < 7200


def test_a_name_outside_the_subset_still_prints():
    data = pdf.CertificateData(
        serial="DQ-2026-T-000009",
        kind="course",
        holder_name="张喆",
        title="社会工作实务基础",
        hours=Decimal("8"),
        issuing_base="东北石油大学",
        start_date=datetime.date(2026, 5, 1),
        end_date=datetime.date(2026, 5, 2),
        issued_on=datetime.date(2026, 5, 3),
        verify_url="http://127.0.0.1:8000/verify/abcdefghijklmnopqrstuv/",
        language="zh-hans",
    )
    text = pypdf.PdfReader(io.BytesIO(pdf.render_pdf(data))).pages[0].extract_text()
    assert "张喆" in text
