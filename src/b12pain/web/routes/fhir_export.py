"""The FHIR Bundle download: the person's journal as FHIR R4, to hand to a clinic."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query
from fastapi.responses import Response

from b12pain.service import fhir
from b12pain.web.deps import ContextDep

router = APIRouter(tags=["FHIR"])


@router.get(
    "/api/v1/fhir/bundle",
    response_class=Response,
    responses={
        200: {
            "description": "A FHIR R4 Bundle (JSON)",
            "content": {"application/fhir+json": {"schema": {"type": "object"}}},
        }
    },
)
def download_bundle(
    ctx: ContextDep,
    start: dt.date | None = Query(None, alias="from", description="First day, inclusive."),
    end: dt.date | None = Query(None, alias="to", description="Last day, inclusive."),
) -> Response:
    """A FHIR R4 Bundle (labs, pain, questionnaires, medicines, plans, doses) as a download."""
    text = fhir.export_bundle(ctx, start, end)
    name = f"b12pain-fhir-{ctx.today.isoformat()}.json"
    return Response(
        content=text,
        media_type="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
