"""Symptom, condition and medicine names resolved to knowledge ids through their synonyms.

"pins and needles" → `tingling`, "pernicious_anaemia" → `autoimmune_gastritis`,
"famotidine" → `h2_antagonist`. Unknown names resolve to None; `parse_profile` turns that
into an error naming the allowed ids.
"""

from __future__ import annotations

from typing import Literal

from b12pain.clinical.catalogue import Catalogue, catalogue, normalise
from b12pain.clinical.profile import Profile

Vocabulary = Literal["symptom", "condition", "medicine"]


def resolve(vocabulary: Vocabulary, name: str, cat: Catalogue | None = None) -> str | None:
    """The knowledge id a name stands for, or None if it is not known."""
    cat = cat or catalogue()
    names = {
        "symptom": cat.symptom_names,
        "condition": cat.condition_names,
        "medicine": cat.medicine_names,
    }[vocabulary]
    return names.get(normalise(name))


def known_ids(vocabulary: Vocabulary, cat: Catalogue | None = None) -> tuple[str, ...]:
    """Every id of a vocabulary, in knowledge file order."""
    cat = cat or catalogue()
    if vocabulary == "symptom":
        return tuple(cat.symptoms)
    if vocabulary == "condition":
        return tuple(cat.conditions)
    return tuple(cat.medicines)


def medicine_group(medicine_id: str, cat: Catalogue | None = None) -> str:
    """The group a medicine belongs to (`omeprazole` → `ppi`), or the id itself."""
    cat = cat or catalogue()
    medicine = cat.medicines.get(medicine_id)
    return medicine.group if medicine is not None and medicine.group else medicine_id


def canonical_profile(profile: Profile, cat: Catalogue | None = None) -> Profile:
    """The profile with symptom, condition and medicine names replaced by their knowledge ids.

    `parse_profile` already does this (and refuses unknown names); this keeps `assess` right for
    a `Profile` built directly (e.g. by another area) with synonyms such as "Nexium". Names that
    are still unknown are kept as given and simply match nothing.
    """
    cat = cat or catalogue()
    if (
        cat.symptom_ids.issuperset(profile.symptoms)
        and cat.condition_ids.issuperset(profile.conditions)
        and all(m.name in cat.medicines for m in profile.medications)
    ):
        return profile

    def ids(vocabulary: Vocabulary, names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(resolve(vocabulary, n, cat) or n for n in names))

    medications = tuple(
        m.model_copy(update={"name": resolve("medicine", m.name, cat) or m.name})
        for m in profile.medications
    )
    return profile.model_copy(
        update={
            "symptoms": ids("symptom", profile.symptoms),
            "conditions": ids("condition", profile.conditions),
            "medications": medications,
        }
    )
