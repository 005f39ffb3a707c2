"""Hostile EPCIS input: each is refused quickly with its reason, memory stays bounded and
nothing is written (the reader writes nowhere; the tests check the folder stays empty)."""

from __future__ import annotations

import io
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from rxsupply.adapters.epcis import read_epcis
from rxsupply.adapters.epcis.guarded import GuardedStream
from rxsupply.adapters.epcis.xml_reader import hardened_iterparse
from rxsupply.errors import DocumentRejected

HEAD = (
    b'<?xml version="1.0"?>\n<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" '
    b'schemaVersion="1.2" creationDate="2026-11-19T16:00:00Z"><EPCISBody><EventList>'
)
EVENT = (
    b"<ObjectEvent><eventTime>2026-11-19T15:00:00Z</eventTime><eventTimeZoneOffset>-05:00"
    b"</eventTimeZoneOffset><epcList><epc>urn:epc:id:sgtin:0304094.088802.%d</epc></epcList>"
    b"<action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>"
    b"</ObjectEvent>\n"
)
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2"
 creationDate="2026-11-19T16:00:00Z"><EPCISBody><EventList><ObjectEvent>
 <eventTime>2026-11-19T15:00:00Z</eventTime><eventTimeZoneOffset>-05:00</eventTimeZoneOffset>
 <epcList><epc>&lol9;</epc></epcList><action>ADD</action></ObjectEvent>
</EventList></EPCISBody></epcis:EPCISDocument>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE epcis [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2"
 creationDate="2026-11-19T16:00:00Z"><EPCISBody><EventList><ObjectEvent>
 <eventTime>2026-11-19T15:00:00Z</eventTime><eventTimeZoneOffset>-05:00</eventTimeZoneOffset>
 <epcList><epc>urn:epc:id:sgtin:0304094.088802.&xxe;</epc></epcList><action>ADD</action>
</ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>
"""
TWO_GB = 2 * 1024**3


class EndlessShipment(io.RawIOBase):
    """A 2 GB EPCIS document made on demand, one event at a time, never held whole; counts
    the bytes handed out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.handed = 0
        self._pending = HEAD
        self._events = self._more()

    def _more(self) -> Iterator[bytes]:
        serial = 0
        while True:
            serial += 1
            yield EVENT % serial

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = min(len(buffer), self.size - self.handed)
        while len(self._pending) < want:
            self._pending += next(self._events)
        chunk, self._pending = self._pending[:want], self._pending[want:]
        buffer[: len(chunk)] = chunk
        self.handed += len(chunk)
        return len(chunk)


def refuse(source: Path | io.RawIOBase, **options: int) -> tuple[DocumentRejected, float, int]:
    """Read ``source``, expecting a refusal: the error, the seconds taken, the peak bytes."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(DocumentRejected) as refused:
            read_epcis(source, name="hostile.xml", **options)  # type: ignore[arg-type]
        return refused.value, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_billion_laughs_document_is_refused_at_its_doctype(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    path.write_bytes(LAUGHS)

    error, seconds, peak = refuse(path)

    assert error.rule == "unsafe" and "<!DOCTYPE declaration" in error.reason
    assert seconds < 30 and peak < 16 * 1024**2
    assert [p.name for p in tmp_path.iterdir()] == ["laughs.xml"]


def test_an_external_entity_document_is_refused_and_reads_no_file(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_bytes(EXTERNAL)

    error, seconds, _peak = refuse(path)

    assert error.rule == "unsafe" and "DTDs and entities are refused" in error.reason
    assert "root:" not in str(error) and seconds < 30
    assert [p.name for p in tmp_path.iterdir()] == ["xxe.xml"]


def test_the_hardened_parser_alone_refuses_the_bomb_as_a_second_wall() -> None:
    stream = GuardedStream(io.BytesIO(LAUGHS), name="laughs.xml", max_bytes=10**6, markup=False)
    started = time.perf_counter()

    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        list(hardened_iterparse(stream))

    assert time.perf_counter() - started < 2


def test_a_2_gb_stream_is_cut_at_the_size_cap_quickly_in_bounded_memory() -> None:
    source = EndlessShipment(TWO_GB)
    cap = 1024**2

    error, seconds, peak = refuse(source, max_bytes=cap)

    assert error.rule == "size" and f"larger than the {cap:,}-byte cap" in error.reason
    assert source.handed <= cap + 1
    assert seconds < 60 and peak < 64 * 1024**2


def test_elements_nested_past_the_depth_limit_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.xml"
    path.write_bytes(HEAD + b"<ObjectEvent>" + b"<a:x xmlns:a='urn:a'>" * 80)

    error, _seconds, _peak = refuse(path, max_depth=64)

    assert error.rule == "depth" and "nested deeper than 64" in error.reason


def test_a_doctype_in_a_utf_16_document_is_refused_too(tmp_path: Path) -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a SYSTEM '
        '"file:///etc/passwd">]>\n<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" '
        'schemaVersion="1.2" creationDate="2026-11-19T16:00:00Z"><EPCISBody><EventList/>'
        "</EPCISBody></epcis:EPCISDocument>"
    )
    path = tmp_path / "utf16.xml"
    path.write_bytes(text.encode("utf-16"))

    with pytest.raises(DocumentRejected, match="DOCTYPE") as refused:
        read_epcis(path)

    assert refused.value.rule == "unsafe"


def test_an_element_whose_prefix_is_never_declared_is_refused_naming_the_prefix() -> None:
    data = HEAD.replace(b"<epcis:EPCISDocument", b"<epc0s:EPCISDocument")

    with pytest.raises(DocumentRejected) as caught:
        read_epcis(io.BytesIO(data), name="shipment.xml")

    assert (caught.value.file, caught.value.where) == ("shipment.xml", "line 2")
    assert caught.value.reason == "the namespace prefix 'epc0s' is not declared"


def test_a_namespace_name_holding_a_closing_brace_is_refused_naming_the_line() -> None:
    data = HEAD.replace(b'"urn:epcglobal:epcis:xsd:1"', b'"urn:e2:}pcglobal:epcis:xsd:1"')

    with pytest.raises(DocumentRejected) as caught:
        read_epcis(io.BytesIO(data), name="shipment.xml")

    assert (caught.value.file, caught.value.where) == ("shipment.xml", "line 2")
    assert "is not a valid XML name" in caught.value.reason
