"""The demo hospital: a health system built from a catalogue and simulated day by day through
the ledger's one path (:mod:`.build`, :mod:`.days`, :mod:`.demand`, :mod:`.tree`)."""

from rxsupply.services.demo.build import DemoSummary, build_demo

__all__ = ["DemoSummary", "build_demo"]
