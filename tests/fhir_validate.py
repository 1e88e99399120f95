"""Two independent checks of exported FHIR: US Core lab invariants (fhirpathpy) and FHIR.js."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from fhirpathpy import evaluate
from fhirpathpy.models import models

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"

#: US Core laboratory result invariants (US Core Observation Clinical Result / Lab profiles),
#: each evaluated on the Observation.
US_CORE_LAB_INVARIANTS = {
    # Datetime must be at least to day (on effective[x]).
    "us-core-1": "effective.all($this is dateTime implies $this.toString().length() >= 10)",
    # Without component or hasMember, a value or a dataAbsentReason.
    "us-core-2": "(component.empty() and hasMember.empty()) "
    "implies (dataAbsentReason.exists() or value.exists())",
    # SHALL use UCUM for coded quantity units (value[x]).
    "us-core-3": "value.ofType(Quantity).system.empty() "
    "or value.ofType(Quantity).system = 'http://unitsofmeasure.org'",
    # SHALL use UCUM for coded quantity units (referenceRange).
    "us-core-22": "referenceRange.all((low.system.empty() or low.system = "
    "'http://unitsofmeasure.org') and (high.system.empty() or high.system = "
    "'http://unitsofmeasure.org'))",
}


def us_core_lab_failures(observation: dict[str, Any]) -> list[str]:
    """Keys of the US Core lab invariants an Observation breaks (empty: all hold)."""
    failed = []
    for key, expression in US_CORE_LAB_INVARIANTS.items():
        if evaluate(observation, expression, [], models["r4"]) != [True]:
            failed.append(key)
    return failed


_SCRIPT = """
const Fhir = require('fhir').Fhir;
const input = require('fs').readFileSync(0, 'utf8');
const result = new Fhir().validate(JSON.parse(input), {errorOnUnexpected: true});
process.stdout.write(JSON.stringify(result.messages));
"""


def node_available() -> bool:
    """True when `node` and the FHIR.js package (installed from the lock) are present."""
    return shutil.which("node") is not None and (NODE_MODULES / "fhir" / "package.json").exists()


def fhirjs_messages(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """FHIR.js (npm `fhir`) validation messages for a resource or Bundle."""
    done = subprocess.run(
        ["node", "-e", _SCRIPT],
        input=json.dumps(resource),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"NODE_PATH": str(NODE_MODULES), "PATH": "/usr/bin:/bin:/usr/local/bin"},
        check=True,
        timeout=120,
    )
    messages: list[dict[str, Any]] = json.loads(done.stdout)
    return messages


def fhirjs_errors(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """Only the messages FHIR.js marks as errors."""
    return [m for m in fhirjs_messages(resource) if m.get("severity") == "error"]
