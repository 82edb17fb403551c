"""Real files for upload tests: valid PDFs (built with pikepdf, or byte by byte where the test
is about the bytes), photos with what phones write into them, and the tricks a hostile PDF
plays. Import ``MINIMAL_PDF`` wherever a test needs "some valid PDF"."""

import io
import random
import struct
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from PIL import Image
from PIL.PngImagePlugin import PngInfo

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def make_pdf(*extra_objects: bytes, catalog: bytes = b"") -> bytes:
    """A one-page PDF with a correct cross-reference table; extra objects are numbered 4, 5…"""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


MINIMAL_PDF = make_pdf()


def pdf_of_size(size: int) -> bytes:
    """A PDF of exactly ``size`` bytes, most of it a (random, seeded) compressed image."""
    base = make_pdf(stream_object(b"", b"/Type /XObject /Subtype /Image /Filter /DCTDecode"))
    padding = random.Random(7).randbytes(size - len(base) - 100)  # room for longer numbers
    pdf = make_pdf(stream_object(padding, b"/Type /XObject /Subtype /Image /Filter /DCTDecode"))
    return pdf + b"%" * (size - len(pdf) - 1) + b"\n"


def stream_object(data: bytes, dictionary: bytes = b"") -> bytes:
    return (
        b"<< /Length " + str(len(data)).encode() + b" " + dictionary + b" >>\nstream\n"
        b"" + data + b"\nendstream"
    )


def saved(pdf: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)
    return out.getvalue()


def jpeg_photo(width: int = 64, height: int = 48, **options) -> bytes:
    """A real JPEG (a gradient, so it has something to decode)."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **options)
    return out.getvalue()


def scan_like_pdf(pages: int = 3) -> bytes:
    """What a phone's scanner app makes: one JPEG per page, drawn full-page, an outline and a
    link from the first page to the last (inside the document), compressed object streams."""
    pdf = pikepdf.new()
    photo = jpeg_photo(200, 280)
    for _ in range(pages):
        image = pdf.make_stream(
            photo,
            Type=Name.XObject,
            Subtype=Name.Image,
            Width=200,
            Height=280,
            ColorSpace=Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=Name.DCTDecode,
        )
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = Dictionary(XObject=Dictionary(Im0=image))
        page.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    first, last = pdf.pages[0], pdf.pages[-1]
    first.Annots = pdf.make_indirect(
        Array(
            [
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=[0, 0, 100, 20],
                    Border=[0, 0, 0],
                    A=Dictionary(S=Name.GoTo, D=Array([last.obj, Name.Fit])),
                )
            ]
        )
    )
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("第一页", 0))
    pdf.docinfo["/Producer"] = "CamScanner"
    return saved(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def one_page() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    return pdf


def script(code: str = "app.alert(1)") -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=String(code))


def annotated(action: Dictionary, subtype: Name = Name.Link) -> pikepdf.Pdf:
    """A page with one annotation whose action is ``action``."""
    pdf = one_page()
    pdf.pages[0].Annots = pdf.make_indirect(
        Array([Dictionary(Type=Name.Annot, Subtype=subtype, Rect=[0, 0, 100, 20], A=action)])
    )
    return pdf


def pdf_with_object_stream(
    plain: dict[int, bytes], packed: dict[int, bytes], padding=0, filter_name=b"/FlateDecode"
) -> bytes:
    """A PDF 1.5 file built byte by byte: ``plain`` objects as they are, ``packed`` ones in an
    object stream followed by ``padding`` spaces (a bomb when large: it compresses a
    thousandfold), compressed with ``filter_name`` (Flate or LZW), and a cross-reference
    stream listing them all."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in plain.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    index, bodies = b"", b""
    for number, body in packed.items():
        index += b"%d %d " % (number, len(bodies))
        bodies += body + b"\n"
    if filter_name == b"/LZWDecode":
        data = lzw_bomb(index + bodies, cycles=padding // 7_000_000)
    else:
        deflate = zlib.compressobj(9)
        data = deflate.compress(index + bodies)
        chunk = b" " * (1 << 20)
        for _ in range(padding >> 20):
            data += deflate.compress(chunk)
        data += deflate.flush()
    object_stream = max([*plain, *packed]) + 1
    offsets[object_stream] = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter %s /Length %d >>\n" % (
        object_stream,
        len(packed),
        len(index),
        filter_name,
        len(data),
    )
    out += b"stream\n" + data + b"\nendstream\nendobj\n"
    xref_stream = object_stream + 1
    offsets[xref_stream] = len(out)
    positions = {number: position for position, number in enumerate(packed)}
    rows = b""
    for number in range(xref_stream + 1):
        if number in offsets:
            rows += struct.pack(">BIH", 1, offsets[number], 0)
        elif number in positions:
            rows += struct.pack(">BIH", 2, object_stream, positions[number])
        else:
            rows += struct.pack(">BIH", 0, 0, 65535)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n" % (
        xref_stream,
        xref_stream + 1,
        len(rows),
    )
    out += b"stream\n" + rows + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_stream]
    return bytes(out)


def lzw_bomb(prefix: bytes, cycles: int) -> bytes:
    """LZW data (PDF's variant) that decodes to ``prefix`` and then ``cycles`` times 7.4 MB of
    spaces from 5.4 KB each: the table grows one space longer per code until it is full,
    then starts again. qpdf has no memory limit for LZW."""

    def width(next_entry: int) -> int:  # the code width when the decoder's next entry is this
        return (
            9 if next_entry < 512 else 10 if next_entry < 1024 else 11 if next_entry < 2048 else 12
        )

    codes = [(256, 9)]  # clear the table
    codes += [(byte, 9 if i == 0 else width(258 + i)) for i, byte in enumerate(prefix)]
    for cycle in range(cycles):
        codes.append((256, 12 if cycle else width(258 + len(prefix))))
        codes.append((ord(" "), 9))
        codes += [(code, width(code + 1)) for code in range(258, 4094)]
    out, accumulated, bits = bytearray(), 0, 0
    for code, size in codes:
        accumulated, bits = ((accumulated << size) | code) & 0xFFFFFFFF, bits + size
        while bits >= 8:
            bits -= 8
            out.append((accumulated >> bits) & 0xFF)
    if bits:
        out.append((accumulated << (8 - bits)) & 0xFF)
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


# --- photos ---------------------------------------------------------------------------------------


def gps_exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "HUAWEI"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (23.0, 41.0, 30.5), 3: "E", 4: (113.0, 3.0, 12.0)})
    return exif


HOME_XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="23,41.5N" exif:GPSLongitude="113,3.2E"/></rdf:RDF></x:xmpmeta>'
)


def phone_photo() -> bytes:
    """A JPEG as a phone writes it: Exif with the GPS position and the orientation, XMP with
    the position again, a comment."""
    return jpeg_photo(exif=gps_exif(), xmp=HOME_XMP, comment=b"IMG_20260301 at home")


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Comment", "taken at 23.69N 113.05E")
    info.add_itxt("Location", "清远市清城区")
    info.add_text("Software", "screenshot", zip=True)
    image = Image.linear_gradient("L").resize((32, 16)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=gps_exif(1))
    return out.getvalue()


def pixels(content: bytes) -> bytes:
    with Image.open(io.BytesIO(content)) as image:
        return image.convert("RGB").tobytes()
