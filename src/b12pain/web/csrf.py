"""The CSRF token in pages: every POST form carries it, and htmx sends it as a header.

`install(env)` adds a template preprocessor that puts `{{ csrf_field() }}` right after every
`<form ... method="post" ...>` tag when a template is compiled, so no form (of any engineer's
template, today's or tomorrow's) can forget the token, and it comes before any file field (which
asgi-csrf requires of multipart forms). In local mode there is no token and the field is empty.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from markupsafe import Markup, escape

from b12pain.web.security import CSRF_FIELD

_POST_FORM = re.compile(r"(<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>)", re.IGNORECASE)


@pass_context
def csrf_token(context: Any) -> str:
    """This request's CSRF token (server mode), or "" (local mode: no token)."""
    request = context.get("request")
    make = request.scope.get("csrftoken") if request is not None else None
    return str(make()) if callable(make) else ""


@pass_context
def csrf_field(context: Any) -> Markup:
    """The hidden form field holding the token, or nothing in local mode."""
    token = csrf_token(context)
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(token))


class CsrfFields(Extension):
    """Jinja extension: the CSRF field after every POST form's opening tag."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _POST_FORM.sub(r"\1{{ csrf_field() }}", source)


def install(env: Environment) -> None:
    """Add the field to every POST form `env` compiles from now on (and forget compiled ones)."""
    if CsrfFields.identifier not in env.extensions:
        env.add_extension(CsrfFields)
        env.globals.update(csrf_field=csrf_field, csrf_token=csrf_token)
        if env.cache is not None:
            env.cache.clear()
