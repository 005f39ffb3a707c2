"""Streaming reader of EPCIS 1.2 and 2.0 XML (capture documents, query documents, bare events).

lxml's ``iterparse`` hands each event element over once it is complete; it is turned into a
domain event and cleared with the siblings before it, so memory holds one event and the header,
whatever the size of the file. The parser resolves no entities, loads no DTD, reaches no
network and refuses libxml2's huge-tree mode; the :class:`GuardedStream` under it refuses any
DOCTYPE first and stops at the size cap. Nesting deeper than ``max_depth`` is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from rxsupply.adapters.epcis.fields import STANDARD_FIELDS, RawEvent, build_event
from rxsupply.adapters.epcis.guarded import GuardedStream
from rxsupply.adapters.epcis.master_data import Header, read_header
from rxsupply.domain.epcis import EVENT_TYPES, Event
from rxsupply.errors import DocumentRejected

EPCIS_NAMESPACES = {
    "urn:epcglobal:epcis:xsd:1": "1.2",
    "urn:epcglobal:epcis:xsd:2": "2.0",
    "urn:epcglobal:epcis-query:xsd:1": "1.2",
    "urn:epcglobal:epcis-query:xsd:2": "2.0",
}
_LISTS = {"epcList": "epcs", "childEPCs": "children", "inputEPCList": "inputs"}
_LISTS["outputEPCList"] = "outputs"
_TAGS: dict[str, str] = {}
_ROOTS = ("EPCISDocument", "EPCISQueryDocument", *EVENT_TYPES)


def hardened_iterparse(stream: GuardedStream, **options: Any) -> Any:
    """``lxml.etree.iterparse`` with every unsafe feature off."""
    return etree.iterparse(
        stream,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        **options,
    )


def read_xml(
    stream: GuardedStream,
    *,
    file: str,
    max_depth: int,
    on_event: Callable[[Event], None],
) -> tuple[str, Header]:
    """Read ``stream``, passing each event to ``on_event`` in document order.

    Returns the EPCIS version ("1.2" or "2.0") and the header's master data.

    Raises:
        DocumentRejected: unsafe or malformed XML, not an EPCIS document, an unknown event
            type or element, or an event that breaks our rules.
    """
    header = Header()
    version = "2.0"
    count = 0
    try:
        for kind, element in _walk(hardened_iterparse(stream, events=("start", "end")), max_depth):
            name = _local(element)
            if kind == "start":
                _check_prefix(element, file)
                parent = element.getparent()
                if parent is None:
                    docinfo = element.getroottree().docinfo
                    if docinfo.doctype or docinfo.internalDTD is not None:
                        # the byte check sees ASCII only: a DOCTYPE in UTF-16 ends here
                        raise DocumentRejected(
                            file,
                            "prolog",
                            "a document type declaration (DOCTYPE) is not allowed",
                            "unsafe",
                        )
                    version = _root_version(element, file)
                elif _local(parent) == "EventList" and name not in (
                    *EVENT_TYPES,
                    "extension",
                ):
                    raise DocumentRejected(
                        file,
                        f"line {element.sourceline}",
                        f"unknown event type {name}",
                        "structure",
                    )
                continue
            if name in EVENT_TYPES and _is_event(element):
                count += 1
                on_event(build_event(_raw_event(element, count, version, file), file=file))
                _release(element)
            elif name == "EPCISHeader":
                header = read_header(element)
                _release(element)
            elif name == "Poll":
                _check_poll(element, file)
    except etree.XMLSyntaxError as exc:
        raise DocumentRejected(
            file, f"line {exc.lineno}", f"not well-formed XML: {exc.msg}", "xml"
        ) from None
    return version, header


def _walk(parser: Any, max_depth: int) -> Iterator[tuple[str, Any]]:
    depth = 0
    for kind, element in parser:
        depth += 1 if kind == "start" else -1
        if depth > max_depth:
            raise DocumentRejected(
                "",
                f"line {element.sourceline}",
                f"elements nested deeper than {max_depth}",
                "depth",
            )
        yield kind, element


def _check_prefix(element: Any, file: str) -> None:
    """libxml2 keeps an element whose prefix no xmlns declares as a plain ``prefix:name`` tag,
    and a namespace name holding ``}`` as it is (namespace errors it only warns about): refuse
    both, they name nothing we know (and lxml cannot name them again)."""
    tag = element.tag
    if not isinstance(tag, str):
        return
    where = f"line {element.sourceline}"
    if ":" in tag and not tag.startswith("{"):
        prefix = tag.split(":", 1)[0][:40]
        raise DocumentRejected(
            file, where, f"the namespace prefix {prefix!r} is not declared", "xml"
        )
    try:
        etree.QName(tag)
    except ValueError:
        raise DocumentRejected(
            file, where, f"the element name {tag[:80]!r} is not a valid XML name", "xml"
        ) from None


def _root_version(root: Any, file: str) -> str:
    name = etree.QName(root)
    if name.localname not in _ROOTS:
        raise DocumentRejected(
            file, "root", f"not an EPCIS document: <{name.localname}>", "structure"
        )
    namespaces = {name.namespace, *root.nsmap.values()}
    found = [EPCIS_NAMESPACES[ns] for ns in namespaces if ns in EPCIS_NAMESPACES]
    if found:
        return max(found)
    declared = root.get("schemaVersion", "2.0")
    return "1.2" if declared.startswith("1") else "2.0"


def _is_event(element: Any) -> bool:
    parent = element.getparent()
    if parent is None:
        return True
    parent_name = _local(parent)
    if parent_name == "extension":
        grand = parent.getparent()
        return grand is not None and _local(grand) == "EventList"
    return bool(parent_name == "EventList")


def _standard(element: Any) -> str | None:
    """The local name of a standard EPCIS element, or None for an extension element."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    known = _TAGS.get(tag)
    if known is None:
        namespace, _, local = tag[1:].rpartition("}") if tag[0] == "{" else ("", "", tag)
        known = local if not namespace or namespace in EPCIS_NAMESPACES else ""
        if len(_TAGS) < 4096:  # a hostile document's endless new names are not all kept
            _TAGS[tag] = known
    return known or None


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _raw_event(element: Any, number: int, version: str, file: str) -> RawEvent:
    raw = RawEvent(type=_local(element), where=f"event {number}")
    for child in _fields(element):
        name = _standard(child)
        if name is None:
            continue
        if name not in STANDARD_FIELDS:
            raise DocumentRejected(file, raw.where, f"unknown element <{name}>", "structure")
        raw.present.append(name)
        if name in _LISTS:
            target: list[str] = getattr(raw, _LISTS[name])
            target.extend((epc.text or "").strip() for epc in child if _standard(epc) == "epc")
        elif name == "ilmd":
            raw.ilmd.extend(
                (etree.QName(item).localname, (item.text or "").strip())
                for item in child.iter()
                if item is not child and len(item) == 0
            )
        elif name in ("sourceList", "destinationList"):
            into = raw.sources if name == "sourceList" else raw.destinations
            into.extend(
                (item.get("type", ""), (item.text or "").strip())
                for item in child
                if isinstance(item.tag, str)
            )
        elif len(child) == 0:
            raw.texts[name] = (child.text or "").strip()
    order = raw.present
    if (
        version == "2.0"
        and {"eventTime", "action"} <= set(order)
        and (order.index("action") < order.index("eventTime"))
    ):
        raise DocumentRejected(
            file, raw.where, "element order: <action> before <eventTime>", "structure"
        )
    return raw


def _fields(element: Any) -> Iterator[Any]:
    """The event's field elements, 1.2's ``extension``/``baseExtension`` wrappers flattened."""
    for child in element:
        if _standard(child) in ("extension", "baseExtension"):
            yield from _fields(child)
        else:
            yield child


def _check_poll(poll: Any, file: str) -> None:
    names = [_standard(child) for child in poll]
    if "queryName" not in names:
        raise DocumentRejected(file, "query", "a query must name its queryName", "query")
    for param in poll.iter("param"):
        parts = {_standard(child): child for child in param}
        if "name" not in parts or "value" not in parts:
            raise DocumentRejected(
                file, "query", "every query param has a name and a value", "query"
            )


def _release(element: Any) -> None:
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
