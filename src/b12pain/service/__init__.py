"""The use cases every surface shares (ARCHITECTURE: service).

CLI commands, web routes, reports and interop call these typed functions instead of deciding
anything themselves. Each takes a `Context` (store, knowledge base, owner, now/today) first, or
only the knowledge base for pure reads; inputs and outputs are dataclasses or pydantic models;
refusals are `errors.InputError` (422), `errors.NotFoundError` (404), `errors.ConflictError` (409),
all with the same list of problems.

One module per area: `diary`, `labs`, `plans` (doses, stock, own supplements), `profile`,
`intake`, `insights`, `transfer` (export, import, backup, delete), plus `selfcheck` and `fhir`.
Import the module you need (`from b12pain.service import plans`); nothing is imported here, so
using one area does not load the others.
"""
