"""PDF documents rendered for real and read back with poppler, as a party's viewer would.

poppler-utils (``pdftoppm``, ``pdftotext``, ``pdffonts``) turns the bytes into page images, text
and the font list. Without it those tests skip, or fail when ``TEST_REQUIRE`` names
``poppler``; a missing WenQuanYi font does the same under the name ``cjk-font``.
"""

import dataclasses
import logging
import re
import shutil
import subprocess
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mediation.documents import pdf_layout
from mediation.documents.pdf import render_pdf
from mediation.documents.printable import Document, Labels, Section, Signature
from tests.conftest import skip_or_fail

WQY_ZENHEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

FACTS = (
    "申请人张三于2023年3月1日入职被申请人某某物流有限公司，任仓储管理员，月工资人民币8,000元。"
    "双方签订了为期三年的书面劳动合同，约定试用期两个月，工作地点为本市某区物流园。"
    "2025年6月起，被申请人以经营困难为由未足额支付申请人工资，累计拖欠人民币24,000元。"
    "申请人多次通过电话、微信及书面方式催告，被申请人均未在合理期限内予以答复或支付。"
    "2025年10月15日，申请人以被申请人未及时足额支付劳动报酬为由书面通知解除劳动合同。"
)
# Last words of the ~2,000-character statement of facts, which runs onto page 2.
PAGE_TWO_WORDS = "以上事实双方当事人均无异议"
LONG_FACTS = FACTS * 12 + PAGE_TWO_WORDS + "。"

ENGLISH_LABELS = Labels(
    case_number="Case number",
    verification_code="Verification code",
    check_at="Check this document at",
    signature="Signature",
    date="Date",
    page="Page %(page)d of %(pages)d",
    colon=": ",
    language="en",
)


def agreement(**changes) -> Document:
    document = Document(
        title="调解协议书",
        number="FCJD-2026-000123",
        issuer="某市某区劳动人事争议调解委员会",
        issued_on="2026年11月22日",
        sections=[
            Section(
                heading="当事人",
                rows=[
                    ("申请人", "张三，男，1990年5月出生，居民身份证号码110101199005071234"),
                    ("被申请人", "某某物流有限公司，统一社会信用代码91110105MA01ABCD2X"),
                    ("法定代表人", "李四"),
                ],
            ),
            Section(heading="争议事实", paragraphs=[LONG_FACTS]),
            Section(
                heading="协议内容",
                paragraphs=[
                    "一、被申请人于2026年12月1日前一次性支付申请人工资差额人民币24,000元。",
                    "二、申请人放弃其他仲裁请求，双方劳动关系于2025年10月15日解除。",
                ],
            ),
        ],
        signatures=[
            Signature("申请人", "张三", "已于2026年11月22日在线确认"),
            Signature("被申请人", "某某物流有限公司"),
            Signature("调解员", "王五"),
        ],
        verification_code="7KQ4-9M2X-PD3A",
        verification_url="https://tiaojie.example.cn/verify/7KQ4-9M2X-PD3A",
    )
    return dataclasses.replace(document, **changes)


ENGLISH_FACTS = (
    "The applicant joined the respondent's warehouse in March 2023 under a three-year "
    "written contract. From June 2025 the respondent paid only part of the agreed wages, "
    "citing business difficulties, and did not answer repeated written reminders. "
) * 6


def english_agreement(**changes) -> Document:
    document = Document(
        title="Mediation Agreement",
        number="FCJD-2026-000124",
        issuer="District Labour Dispute Mediation Committee",
        issued_on="22 November 2026",
        sections=[
            Section(heading="Parties", rows=[("Applicant", "Zhang San (张三)")]),
            Section(heading="Facts", paragraphs=[ENGLISH_FACTS]),
        ],
        signatures=[Signature("Mediator", "Wang Wu")],
        verification_code="7KQ4-9M2X-PD3B",
        verification_url="https://tiaojie.example.cn/verify/7KQ4-9M2X-PD3B",
        labels=ENGLISH_LABELS,
    )
    return dataclasses.replace(document, **changes)


# --- Reading PDFs back with poppler ---------------------------------------------------------


@pytest.fixture
def poppler():
    missing = [tool for tool in ("pdftoppm", "pdftotext", "pdffonts") if not shutil.which(tool)]
    if missing:
        skip_or_fail("poppler", f"poppler-utils is not installed (no {', '.join(missing)})")


@pytest.fixture
def font_choice(monkeypatch):
    """A test may move the fonts; the font is chosen afresh before and after it."""
    pdf_layout._resolve_body_font.cache_clear()
    yield monkeypatch
    pdf_layout._resolve_body_font.cache_clear()


def write(document_bytes: bytes, tmp_path: Path, name: str = "document.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(document_bytes)
    return path


def run(*command: str | Path) -> str:
    return subprocess.run(
        [str(part) for part in command], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(path: Path) -> list[str]:
    """The text of each page; pdftotext ends every page with a form feed."""
    return run("pdftotext", "-enc", "UTF-8", path, "-").split("\f")[:-1]


def compact(text: str) -> str:
    """Text without any whitespace: line breaks fall anywhere in wrapped Chinese."""
    return "".join(text.split())


def dark_pixels(path: Path, page: int = 1) -> int:
    """Pixels darker than mid-grey on one page rendered at 50 dpi.

    A greyscale PGM is a short text header and one byte per pixel, so no imaging library is
    needed to read it.
    """
    prefix = path.with_suffix("")
    run("pdftoppm", "-r", "50", "-gray", "-f", page, "-l", page, "-singlefile", path, prefix)
    image = prefix.with_suffix(".pgm").read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", image)
    assert header, "pdftoppm did not write an 8-bit greyscale PGM"
    width, height = int(header[1]), int(header[2])
    pixels = image[header.end() :]
    assert len(pixels) == width * height
    return sum(1 for value in pixels if value < 128)


def font_rows(path: Path) -> list[list[str]]:
    """``pdffonts`` rows below its two header lines, split into columns.

    The type may be several words ("CID Type 0"), so count from the end: ``row[-5]`` is "emb".
    """
    return [line.split() for line in run("pdffonts", path).splitlines()[2:]]


def word_boxes(path: Path) -> list[tuple[str, float]]:
    """Each word pdftotext finds (a whole run, for Chinese) with its left edge in points."""
    html = run("pdftotext", "-enc", "UTF-8", "-bbox", path, "-")
    words = re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)<', html)
    return [(word, float(x)) for x, word in words]


def left_edge(boxes: list[tuple[str, float]], start: str) -> float:
    return next(x for word, x in boxes if word.startswith(start))


# --- The Chinese agreement ------------------------------------------------------------------


def test_chinese_agreement_is_real_text_over_several_pages(poppler, tmp_path):
    document_bytes = render_pdf(agreement())
    assert document_bytes.startswith(b"%PDF-")
    path = write(document_bytes, tmp_path)

    pages = pdf_pages(path)
    assert len(pages) >= 2
    first = compact(pages[0])
    assert "调解协议书" in first
    assert "FCJD-2026-000123" in first
    assert "7KQ4-9M2X-PD3A" in first
    assert "张三" in first
    assert PAGE_TWO_WORDS in compact(pages[1])
    assert PAGE_TWO_WORDS not in first


def test_first_page_is_not_blank(poppler, tmp_path):
    path = write(render_pdf(agreement()), tmp_path)
    # At 50 dpi this page has about 6,000 dark pixels; title block and footer alone about 400.
    assert dark_pixels(path, page=1) > 3_000


def test_every_page_footer_shows_page_x_of_y_case_number_and_code(poppler, tmp_path):
    pages = pdf_pages(write(render_pdf(agreement()), tmp_path))
    for number, text in enumerate(pages, start=1):
        footer = compact(text)
        assert f"第{number}页，共{len(pages)}页" in footer
        assert "案号FCJD-2026-000123" in footer
        assert "验证码7KQ4-9M2X-PD3A" in footer


def test_signature_block_leaves_lines_only_for_parties_who_have_not_signed(poppler, tmp_path):
    text = compact(pdf_pages(write(render_pdf(agreement()), tmp_path))[-1])
    assert "申请人张三已于2026年11月22日在线确认" in text
    assert "王五" in text
    assert text.count("签名：") == 2
    assert text.count("日期：") == 2


def test_verification_block_shows_code_and_url_with_a_qr_code(poppler, tmp_path):
    with_qr = write(render_pdf(agreement()), tmp_path, "with-qr.pdf")
    last_page = compact(pdf_pages(with_qr)[-1])
    assert "验证码：7KQ4-9M2X-PD3A" in last_page
    assert "https://tiaojie.example.cn/verify/7KQ4-9M2X-PD3A" in last_page

    without_url = agreement(verification_url="")
    without_qr = write(render_pdf(without_url), tmp_path, "without-qr.pdf")
    pages = len(pdf_pages(with_qr))
    assert len(pdf_pages(without_qr)) == pages
    # At 50 dpi the 30 mm QR code adds about 1,000 dark pixels, the two short lines of text
    # that come with it about 200.
    assert dark_pixels(with_qr, pages) - dark_pixels(without_qr, pages) > 700


def test_chinese_lines_never_start_with_a_comma(poppler, tmp_path):
    # Commas at every position around the end of a line, in paragraphs with and without a
    # typed line break (reportlab breaks those two kinds with different code).
    paragraphs = [
        prefix + "测" * n + "，" + "试" * 60 for prefix in ("", "开头\n") for n in range(36, 52)
    ]
    document = agreement(sections=[Section(paragraphs=paragraphs)], signatures=())
    path = write(render_pdf(document), tmp_path)

    lines = [line.strip() for line in run("pdftotext", "-enc", "UTF-8", path, "-").splitlines()]

    with_comma = [line for line in lines if "，" in line and ("测" in line or "试" in line)]
    assert len(with_comma) == len(paragraphs)
    assert [line for line in with_comma if line.startswith("，")] == []


def test_chinese_paragraphs_open_with_a_two_character_indent(poppler, tmp_path):
    boxes = word_boxes(write(render_pdf(agreement()), tmp_path))
    indent = left_edge(boxes, "申请人张三于") - left_edge(boxes, "争议事实")
    assert indent == pytest.approx(2 * 10.5, abs=0.5)


def test_row_value_longer_than_a_page_continues_on_the_next(poppler, tmp_path):
    document = agreement(sections=[Section(rows=[("事实与理由", LONG_FACTS * 2)])])

    pages = pdf_pages(write(render_pdf(document), tmp_path))

    assert len(pages) >= 3
    assert compact("".join(pages)).count(PAGE_TWO_WORDS) == 2


# --- Fonts ----------------------------------------------------------------------------------


def test_truetype_cjk_font_is_embedded(poppler, font_choice, tmp_path):
    if not Path(WQY_ZENHEI).is_file():
        skip_or_fail("cjk-font", f"no WenQuanYi Zen Hei at {WQY_ZENHEI}")
    font_choice.delenv(pdf_layout.FONT_ENV_VAR, raising=False)

    rows = font_rows(write(render_pdf(agreement()), tmp_path))

    # Subsets of up to 256 characters each (AAAAAA+, AAAAAB+, ...) of one font, and no stray
    # Helvetica or other font a viewer would have to substitute.
    assert rows
    assert {row[0].split("+")[1] for row in rows} == {"WenQuanYiZenHei-0"}
    assert {(row[1], row[-5]) for row in rows} == {("TrueType", "yes")}


def test_font_from_the_environment_is_tried_first(poppler, font_choice, tmp_path):
    if not Path(WQY_ZENHEI).is_file():
        skip_or_fail("cjk-font", f"no WenQuanYi Zen Hei at {WQY_ZENHEI}")
    # Face 1 of the collection is the monospaced WenQuanYi Zen Hei Mono.
    font_choice.setenv(pdf_layout.FONT_ENV_VAR, f"{WQY_ZENHEI}#1")

    rows = font_rows(write(render_pdf(agreement()), tmp_path))

    assert {row[0].split("+")[1] for row in rows} == {"WenQuanYiZenHeiMono-1"}


def test_without_a_truetype_font_falls_back_to_stsong(poppler, font_choice, tmp_path):
    font_choice.setattr(pdf_layout, "FONT_CANDIDATES", ())
    font_choice.delenv(pdf_layout.FONT_ENV_VAR, raising=False)

    path = write(render_pdf(agreement()), tmp_path)

    rows = font_rows(path)
    assert [row[0] for row in rows] == ["STSong-Light"]
    assert rows[0][-5] == "no"  # the fallback is not embedded: viewers substitute a font
    assert dark_pixels(path, page=1) > 3_000


@pytest.mark.parametrize(
    "content", [b"this is not a TrueType font", None], ids=["broken file", "missing file"]
)
def test_unusable_font_from_the_environment_is_skipped_with_a_warning(
    font_choice, tmp_path, caplog, content
):
    named_font = tmp_path / "named.ttf"
    if content is not None:
        named_font.write_bytes(content)
    font_choice.setattr(pdf_layout, "FONT_CANDIDATES", ())
    font_choice.setenv(pdf_layout.FONT_ENV_VAR, str(named_font))

    with caplog.at_level(logging.WARNING, logger=pdf_layout.__name__):
        assert pdf_layout.body_font() == pdf_layout.FALLBACK_FONT

    assert str(named_font) in caplog.text
    assert render_pdf(agreement()).startswith(b"%PDF-")


def test_font_with_postscript_outlines_is_refused_and_the_next_one_used(font_choice, caplog):
    # Noto CJK ships CFF outlines, which reportlab cannot embed (DESIGN.md §9).
    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    if not (Path(noto).is_file() and Path(WQY_ZENHEI).is_file()):
        skip_or_fail("cjk-font", "needs both Noto Sans CJK and WenQuanYi Zen Hei installed")
    font_choice.setattr(pdf_layout, "FONT_CANDIDATES", (noto, WQY_ZENHEI))
    font_choice.delenv(pdf_layout.FONT_ENV_VAR, raising=False)

    with caplog.at_level(logging.WARNING, logger=pdf_layout.__name__):
        assert pdf_layout.body_font() == "MediationCJK-wqy-zenhei-0"

    assert "postscript outlines are not supported" in caplog.text


# --- User text and other languages ----------------------------------------------------------


def test_markup_in_user_text_is_printed_literally(poppler, tmp_path):
    hostile = "<script>alert(1)</script> & <b>"
    document = agreement(
        sections=[
            Section(heading="争议事实", paragraphs=[f"申请人陈述：{hostile}"]),
            Section(rows=[("备注", hostile), ("实体", "&amp; &lt;b&gt;")]),
        ]
    )

    path = write(render_pdf(document), tmp_path)
    text = " ".join(run("pdftotext", "-enc", "UTF-8", path, "-").split())

    assert f"申请人陈述：{hostile}" in text
    assert f"备注 {hostile}" in text
    assert "&amp; &lt;b&gt;" in text


def test_line_breaks_typed_by_the_user_are_kept(poppler, tmp_path):
    document = agreement(sections=[Section(paragraphs=["第一行\n第二行"])], signatures=())

    lines = run("pdftotext", "-enc", "UTF-8", write(render_pdf(document), tmp_path), "-")

    assert "第一行\n第二行" in lines


def test_english_document_wraps_between_words_and_uses_english_labels(poppler, tmp_path):
    path = write(render_pdf(english_agreement()), tmp_path)

    pages = pdf_pages(path)
    text = " ".join(" ".join(pages).split())
    assert "Mediation Agreement" in text
    assert "Case number: FCJD-2026-000124" in text
    assert "Zhang San (张三)" in text
    assert "Signature: Date:" in text
    assert "Verification code: 7KQ4-9M2X-PD3B" in text
    assert "Page 1 of 1" in text
    assert set(ENGLISH_FACTS.split()) <= set(text.split()), "a word was broken across two lines"
    boxes = word_boxes(path)
    assert left_edge(boxes, "The") == pytest.approx(left_edge(boxes, "Facts")), "no indent"
    # About 4,400 dark pixels at 50 dpi without the QR code; without the facts, about 700.
    assert dark_pixels(path) > 2_500


# --- Servers -------------------------------------------------------------------------------


def test_threads_starting_together_load_the_font_once_and_render_alike(font_choice, tmp_path):
    if not Path(WQY_ZENHEI).is_file():
        skip_or_fail("cjk-font", f"no WenQuanYi Zen Hei at {WQY_ZENHEI}")
    # A font file this process has never registered, so it really is loaded here.
    fresh_font = tmp_path / f"font-{uuid.uuid4().hex}.ttc"
    fresh_font.symlink_to(WQY_ZENHEI)
    font_choice.setattr(pdf_layout, "FONT_CANDIDATES", (str(fresh_font),))
    font_choice.delenv(pdf_layout.FONT_ENV_VAR, raising=False)
    loaded = []

    class CountingTTFont(pdf_layout.TTFont):
        def __init__(self, *args, **kwargs):
            loaded.append(args[1])
            super().__init__(*args, **kwargs)

    font_choice.setattr(pdf_layout, "TTFont", CountingTTFont)
    threads = 4
    start = threading.Barrier(threads)

    def render(_):
        start.wait()
        return render_pdf(agreement())

    with ThreadPoolExecutor(threads) as pool:
        documents = list(pool.map(render, range(threads)))

    assert loaded == [str(fresh_font)]
    assert len(set(documents)) == 1


# --- Determinism ----------------------------------------------------------------------------


def test_same_document_renders_to_the_same_bytes():
    assert render_pdf(agreement()) == render_pdf(agreement())
    assert render_pdf(agreement()) != render_pdf(agreement(number="FCJD-2026-000124"))
