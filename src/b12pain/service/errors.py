"""The service layer's errors: one problem-list shape, three meanings.

Every error carries `problems`, a list of `Problem(field, value, message)` naming what was given and
what is allowed. The class says how a surface answers:

- `InputError` — the input cannot be used (HTTP 422, CLI exit 2).
- `NotFoundError` — no such entry or plan *for this owner* (HTTP 404, CLI exit 2); another
  owner's rows are "not found", never "forbidden", so their existence does not leak.
- `ConflictError` — the request clashes with what is stored, e.g. stopping a plan that has
  already stopped (HTTP 409, CLI exit 2).

They live in `b12pain.errors` (so `clinical` and `journal` raise the same classes) and are
re-exported here. `NotFoundError` and `ConflictError` subclass `InputError`: a surface that only
knows "refused" (the CLI) catches all three at once; the web app's handlers, looked up by the most
specific class, tell them apart. `http_status(error)` gives the HTTP answer.
"""

from __future__ import annotations

from b12pain.errors import ConflictError, InputError, NotFoundError, Problem

__all__ = ["ConflictError", "InputError", "NotFoundError", "Problem", "http_status"]


def http_status(error: InputError) -> int:
    """The HTTP status of a refused request: 404, 409, else 422."""
    return error.status_code
