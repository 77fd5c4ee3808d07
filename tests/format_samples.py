# ruff: noqa: E501  (the XML of the sample documents reads best a line per element)
"""Documents built by the format tests (a .docx through python-docx, an .odt from its XML) and the round trip."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from fr2en.config import Settings
from fr2en.formats import SourceDocument, english_by_block

ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'office:version="1.3"'
)

ODT_CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {ODT_NS}>
<office:automatic-styles>
<style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="T2" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
</office:automatic-styles>
<office:body><office:text>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Le rapport annuel</text:h>
<text:p text:style-name="Standard">La ville de <text:span text:style-name="T1">Lyon</text:span> a voté le budget.<text:s/>Le maire est <text:span text:style-name="T2">content</text:span>.</text:p>
<text:list text:style-name="L1">
<text:list-item><text:p text:style-name="List_20_Paragraph">Premier point de la liste.</text:p></text:list-item>
<text:list-item><text:p text:style-name="List_20_Paragraph">Second point de la liste.</text:p></text:list-item>
</text:list>
<table:table table:name="Tableau1">
<table:table-column table:number-columns-repeated="2"/>
<table:table-row><table:table-cell office:value-type="string"><text:p>Nom</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Valeur</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>Dette</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Douze millions</text:p></table:table-cell></table:table-row>
</table:table>
<text:p text:style-name="Standard">Voir <text:a xlink:type="simple" xlink:href="https://exemple.fr/">le site officiel</text:a> pour plus de détails<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p text:style-name="Footnote">Une note de bas de page.</text:p></text:note-body></text:note>.</text:p>
</office:text></office:body></office:document-content>
"""

ODT_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {ODT_NS}>
<office:styles>
<style:default-style style:family="paragraph"><style:text-properties fo:language="fr" fo:country="FR"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph"/>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"><style:text-properties fo:font-size="130%" fo:font-weight="bold"/></style:style>
</office:styles>
<office:automatic-styles><style:page-layout style:name="pm1"/></office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="pm1">
<style:header><text:p>En-tête du document</text:p></style:header>
<style:footer><text:p>Pied de page, page <text:page-number text:select-page="current">1</text:page-number></text:p></style:footer>
</style:master-page>
</office:master-styles>
</office:document-styles>
"""

ODT_META = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {ODT_NS}><office:meta><dc:language>fr-FR</dc:language></office:meta></office:document-meta>
"""

ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

# The French text of the sample .odt's paragraphs, in block order.
ODT_TEXTS = [
    "Le rapport annuel",
    "La ville de Lyon a voté le budget. Le maire est content.",
    "Premier point de la liste.",
    "Second point de la liste.",
    "Nom",
    "Valeur",
    "Dette",
    "Douze millions",
    "Voir le site officiel pour plus de détails.",
    "Une note de bas de page.",
    "En-tête du document",
    "Pied de page, page",
]


def zip_of(entries: list[tuple[str, bytes | str]]) -> bytes:
    """A zip of ``entries`` (``mimetype`` stored, the rest deflated), in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def odt_sample(content: str = ODT_CONTENT) -> bytes:
    """A small .odt: heading, bold and italic spans, a list, a table, a link, a footnote, header, footer."""
    return zip_of(
        [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", ODT_MANIFEST),
            ("content.xml", content),
            ("styles.xml", ODT_STYLES),
            ("meta.xml", ODT_META),
        ]
    )


# The French text of the sample .docx's paragraphs, in block order (body, then header, footer).
DOCX_TEXTS = [
    "Le rapport annuel",
    "La ville de Lyon a voté le budget. Le maire est content.",
    "Premier point de la liste.",
    "Second point de la liste.",
    "Nom",
    "Valeur",
    "Dette",
    "Douze millions",
    "Voir le site officiel pour plus de détails.",
    "En-tête du document",
    "Pied de page confidentiel",
]


def docx_sample() -> bytes:
    """A small .docx made with python-docx: heading, bold and italic runs, lists, a table, a link..."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document: Any = docx.Document()
    document.add_heading("Le rapport annuel", level=1)
    paragraph = document.add_paragraph("La ville de ")
    paragraph.add_run("Lyon").bold = True
    paragraph.add_run(" a voté le budget. Le maire est ")
    paragraph.add_run("content").italic = True
    paragraph.add_run(".")
    document.add_paragraph("Premier point de la liste.", style="List Bullet")
    document.add_paragraph("Second point de la liste.", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for (row, column), text in zip(
        [(0, 0), (0, 1), (1, 0), (1, 1)], ["Nom", "Valeur", "Dette", "Douze millions"], strict=True
    ):
        table.cell(row, column).text = text
    paragraph = document.add_paragraph("Voir ")
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to("https://exemple.fr/", RELATIONSHIP_TYPE.HYPERLINK, True))
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "le site officiel"
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    paragraph.add_run(" pour plus de détails.")
    document.sections[0].header.paragraphs[0].text = "En-tête du document"
    document.sections[0].footer.paragraphs[0].text = "Pied de page confidentiel"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def round_trip(source: SourceDocument, translator: Any, settings: Settings) -> tuple[Any, list[str], bytes]:
    """``source`` translated: the pipeline's result, the English of each block, the rebuilt file."""
    from fr2en.pipeline import translate_document

    result = translate_document(source.document, translator, settings)
    english = english_by_block(result.pairs, len(source.blocks))
    assert source.rebuild is not None
    return result, english, source.rebuild(english)


def french_of_pairs(result: Any, blocks: int) -> list[str]:
    """The French of the pairs of each block, joined, with its whitespace normalised."""
    per_block: list[list[str]] = [[] for _ in range(blocks)]
    for pair in result.pairs:
        per_block[pair.paragraph].append(pair.source)
    return [" ".join(" ".join(texts).split()) for texts in per_block]


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252") + b")"


def pdf_sample(pages: list[list[str]]) -> bytes:
    """A PDF written by hand: each page's lines in Helvetica (WinAnsi, so French accents read back)."""
    count = len(pages)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count))
        + b"] /Count %d >>" % count,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index, lines in enumerate(pages):
        stream = (
            b"BT /F1 11 Tf 14 TL 72 760 Td "
            + b" ".join(_pdf_string(line) + b" Tj T*" for line in lines)
            + b" ET"
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (5 + 2 * index)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


EPUB_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""

EPUB_PACKAGE = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="fr">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="uid">urn:uuid:00000000-0000-4000-8000-000000000016</dc:identifier>
<dc:title>Chroniques lyonnaises</dc:title>
<dc:language>fr</dc:language>
<meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>
</metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="c1" href="Text/chapitre%201.xhtml" media-type="application/xhtml+xml"/>
<item id="c2" href="Text/chapitre2.xhtml" media-type="application/xhtml+xml"/>
<item id="css" href="style.css" media-type="text/css"/>
</manifest>
<spine><itemref idref="c1"/><itemref idref="c2"/></spine>
</package>
"""


def xhtml_page(title: str, paragraphs: list[str]) -> str:
    """An XHTML chapter: a heading and paragraphs."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr" lang="fr"><head><title>'
        f"{title}</title></head><body><h1>{title}</h1>{body}</body></html>\n"
    )


EPUB_CHAPTERS = {
    "OEBPS/Text/chapitre 1.xhtml": xhtml_page(
        "Le marché", ["Le marché ouvre à sept heures.", "Les commerçants installent leurs étals."]
    ),
    "OEBPS/Text/chapitre2.xhtml": xhtml_page("La pluie", ["Il pleut sur la ville depuis lundi."]),
    "OEBPS/nav.xhtml": xhtml_page("Table des matières", ["Le marché", "La pluie"]),
}


def epub_sample(package: str = EPUB_PACKAGE, chapters: dict[str, str] | None = None) -> bytes:
    """A small EPUB 3 book: two chapters in the spine, a navigation document, a stylesheet."""
    entries: list[tuple[str, bytes | str]] = [
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", EPUB_CONTAINER),
        ("OEBPS/content.opf", package),
        ("OEBPS/style.css", "p { margin: 0 }"),
    ]
    entries += list((EPUB_CHAPTERS if chapters is None else chapters).items())
    return zip_of(entries)
