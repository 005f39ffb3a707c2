"""DSCSA traceability use cases (issue 14): importing EPCIS documents as transaction records,
reconciling receipts, verifying product identifiers, suspect and illegitimate product cases,
trace requests, and the facility's hash-chained records behind them all."""
