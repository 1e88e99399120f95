"""FHIR R4 and CDS Hooks: how b12pain meets a clinic's own systems.

- `codes`: the terminology table (LOINC, UCUM, SNOMED CT, RxNorm, ATC) read from knowledge.
- `export`: journal records → a FHIR R4 Bundle (fhir.resources R4B models).
- `reading`: FHIR resources (Bundle or Bulk NDJSON) → b12pain facts, strict or lenient.
- `cds`: CDS Hooks 2.0 `patient-view`: discovery, request → profile → `assess` → response;
  `cds_types` its shapes, `cds_cards` the cards, `cds_auth` the EHR's signed JWT.

Nothing here talks HTTP or opens a store: `service/fhir.py` and the web routes do.
"""
