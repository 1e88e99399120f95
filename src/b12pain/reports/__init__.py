"""What a person takes to the appointment: the clinician report, calendar reminders and CSV files.

- `model`: the report as plain data (`Report`), built by `b12pain.service.reports`.
- `document`: the report laid out once as blocks (page 1, then the following pages); HTML
  (`html`) and PDF (`pdf`, Typst) both render these same blocks, so they never disagree.
- `charts`: pain, B12 labs, doses and intake on one time axis, as SVG (no browser needed).
- `calendar`: dose schedule, reviews and tests as iCalendar (RFC 5545) events.
- `csvfiles`: the journal as one CSV file per diary kind, and back (lossless, all or nothing).

Nothing here decides anything clinical: it renders what `clinical` and the service layer found.
"""
