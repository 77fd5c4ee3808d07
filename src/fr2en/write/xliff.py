"""``.xlf``: an XLIFF 2.1 bilingual file, one ``<unit>`` per aligned pair, French source, English target.

Each unit's metadata (the XLIFF metadata module, ``mda:``) holds the pair's ``score``, ``flags``,
``paragraph`` (1-based), ``alignment`` and the 0-based sentence indices of each side; the file's
metadata holds fr2en's version and the run signature. Every pair becomes a unit, null links included:
a French sentence with no English has no ``<target>`` (state ``initial``), so a translator's tool
shows it as untranslated; the others are ``translated``.
"""

from __future__ import annotations

from fr2en._version import __version__
from fr2en.types import DocumentHeader, DocumentSummary, PairChunk
from fr2en.write.xmltext import attr, text

NAMESPACE = "urn:oasis:names:tc:xliff:document:2.0"
METADATA_NAMESPACE = "urn:oasis:names:tc:xliff:metadata:2.0"
SOURCE_LANG = "fr-FR"
TARGET_LANG = "en"


def _metadata(indent: str, entries: list[tuple[str, str]]) -> str:
    metas = "".join(
        f'{indent}    <mda:meta type="{key}">{text(value)}</mda:meta>\n' for key, value in entries
    )
    return (
        f'{indent}<mda:metadata>\n{indent}  <mda:metaGroup category="fr2en">\n'
        f"{metas}{indent}  </mda:metaGroup>\n{indent}</mda:metadata>\n"
    )


def header(doc: DocumentHeader) -> str:
    """The XML declaration, the ``<xliff>`` root and the opening of the document's ``<file>``."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<xliff xmlns="{NAMESPACE}" xmlns:mda="{METADATA_NAMESPACE}" version="2.1"'
        f' srcLang="{SOURCE_LANG}" trgLang="{TARGET_LANG}">\n'
        f'  <file id="f1" original={attr(doc.name)}>\n'
        + _metadata("    ", [("fr2en", __version__), ("signature", doc.signature.as_text())])
    )


def rows(chunk: PairChunk) -> str:
    """One ``<unit>`` per pair."""
    units: list[str] = []
    for number, pair in enumerate(chunk.pairs, start=chunk.first_number):
        entries = [("score", f"{pair.quality.score:.4f}")]
        if pair.quality.flags:
            entries.append(("flags", ",".join(pair.quality.flags)))
        entries += [
            ("paragraph", str(pair.paragraph + 1)),
            ("alignment", f"{pair.alignment:.4f}"),
            ("src_ids", " ".join(map(str, pair.source_ids))),
            ("tgt_ids", " ".join(map(str, pair.target_ids))),
        ]
        translated = bool(pair.target_ids and pair.target)
        target = f"        <target>{text(pair.target)}</target>\n" if translated else ""
        units.append(
            f'    <unit id="u{number}">\n'
            + _metadata("      ", entries)
            + f'      <segment id="s{number}" state="{"translated" if translated else "initial"}">\n'
            f"        <source>{text(pair.source)}</source>\n{target}"
            "      </segment>\n    </unit>\n"
        )
    return "".join(units)


def footer(doc: DocumentHeader, summary: DocumentSummary) -> str:
    """The end of the file; an empty document gets an empty group, since a file needs a unit or group."""
    empty = '    <group id="empty"/>\n' if not summary.pairs else ""
    return f"{empty}  </file>\n</xliff>\n"
