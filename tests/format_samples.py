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


# The French text of the sample .docx's paragraphs, in block order (body, then footer, header).
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
    "Pied de page confidentiel",
    "En-tête du document",
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
