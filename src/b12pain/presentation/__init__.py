"""Words and layout shared by every surface (CLI, web templates, PDF report, FHIR narratives).

Nothing here decides anything clinical: it turns result objects into the words people and
clinicians read, once, so every surface says the same thing.
"""
