"""Where it hurts and what the pain is like, in the words people type.

Body regions are the ACR 2016 Widespread Pain Index areas (instruments-spec §4), `feet` and
`hands` for the "stocking-glove" pattern of neuropathy, and the head (front, back, each side),
elbows and knees people name in a diary. A region may be named by its id (`lower_back`), in
words ("lower back", "left knee", "knee left"), in the singular or the plural ("foot", "knees",
"both elbows"); a word for a pair names both sides. A part of the body that has two sides,
named without one ("knee"), is asked about rather than guessed.

Pain descriptors are the pain types below, or any word the knowledge base's symptom table knows
("pins and needles" → tingling, "numb" → numbness, "sharp pain" → shooting): one source of
synonyms for symptoms and pain words alike.
"""

from __future__ import annotations

#: Every body region id, in the order a form shows them (head to toe; hands beside feet).
BODY_REGIONS: tuple[str, ...] = (
    "head_front",
    "head_back",
    "head_side_left",
    "head_side_right",
    "jaw_left",
    "jaw_right",
    "neck",
    "shoulder_girdle_left",
    "shoulder_girdle_right",
    "upper_arm_left",
    "upper_arm_right",
    "elbow_left",
    "elbow_right",
    "lower_arm_left",
    "lower_arm_right",
    "chest",
    "abdomen",
    "upper_back",
    "lower_back",
    "hip_left",
    "hip_right",
    "upper_leg_left",
    "upper_leg_right",
    "knee_left",
    "knee_right",
    "lower_leg_left",
    "lower_leg_right",
    "feet",
    "hands",  # with feet: the "stocking-glove" pattern starts in the feet, then the hands
)

#: What a pain feels like (the `--type` and `--descriptors` of a pain entry).
PAIN_TYPES: tuple[str, ...] = (
    "burning",
    "tingling",
    "numbness",
    "shooting",
    "stabbing",
    "aching",
    "throbbing",
    "cramping",
    "electric",
    "dull",
    "other",
)

#: Parts with a left and a right region: the words people use → the id before `_left`/`_right`.
_SIDED: dict[str, str] = {
    "jaw": "jaw",
    "shoulder": "shoulder_girdle",
    "shoulder girdle": "shoulder_girdle",
    "upper arm": "upper_arm",
    "elbow": "elbow",
    "lower arm": "lower_arm",
    "forearm": "lower_arm",
    "hip": "hip",
    "upper leg": "upper_leg",
    "thigh": "upper_leg",
    "knee": "knee",
    "lower leg": "lower_leg",
    "shin": "lower_leg",
    "calf": "lower_leg",
    "temple": "head_side",
    "side of head": "head_side",
    "side of the head": "head_side",
    "head side": "head_side",
}
#: Plurals of the sided words, where adding "s" is wrong.
_PLURALS = {
    "calf": "calves",
    "side of head": "sides of head",
    "side of the head": "sides of the head",
}

#: Other words for regions, singular forms of the paired ones, and words naming several.
_WORDS: dict[str, tuple[str, ...]] = {
    "foot": ("feet",),
    "both feet": ("feet",),
    "toes": ("feet",),
    "hand": ("hands",),
    "both hands": ("hands",),
    "fingers": ("hands",),
    "head": ("head_front", "head_back", "head_side_left", "head_side_right"),
    "whole head": ("head_front", "head_back", "head_side_left", "head_side_right"),
    "forehead": ("head_front",),
    "front of head": ("head_front",),
    "front of the head": ("head_front",),
    "head front": ("head_front",),
    "back of head": ("head_back",),
    "back of the head": ("head_back",),
    "head back": ("head_back",),
    "sides of head": ("head_side_left", "head_side_right"),
    "sides of the head": ("head_side_left", "head_side_right"),
    "head sides": ("head_side_left", "head_side_right"),
    "nape": ("neck",),
    "low back": ("lower_back",),
    "stomach": ("abdomen",),
    "belly": ("abdomen",),
    "tummy": ("abdomen",),
}


def _normalise(word: str) -> str:
    """`Left  Knee` → `left knee`; `lower_back` → `lower back`."""
    return " ".join(word.lower().replace("_", " ").replace("-", " ").split())


def _vocabulary() -> dict[str, tuple[str, ...]]:
    words: dict[str, tuple[str, ...]] = {_normalise(r): (r,) for r in BODY_REGIONS}
    words.update(_WORDS)
    for word, stem in _SIDED.items():
        left, right = f"{stem}_left", f"{stem}_right"
        for side, region in (("left", left), ("right", right)):
            words.setdefault(f"{side} {word}", (region,))
            words.setdefault(f"{word} {side}", (region,))
        plural = _PLURALS.get(word, f"{word}s")
        words.setdefault(plural, (left, right))
        words.setdefault(f"both {plural}", (left, right))
    return words


_REGION_WORDS = _vocabulary()


def region_ids(word: str) -> tuple[str, ...]:
    """The region ids `word` names ("left knee" → `knee_left`; "knees" → both knees).

    ValueError with what is allowed when `word` names no region, or a part with two sides
    without saying which.
    """
    key = _normalise(word)
    found = _REGION_WORDS.get(key)
    if found is not None:
        return found
    if key in _SIDED:
        plural = _PLURALS.get(key, f"{key}s")
        raise ValueError(f"which side: 'left {key}', 'right {key}', or '{plural}' for both")
    raise ValueError(
        f"unknown region; one of {', '.join(BODY_REGIONS)} (or words such as "
        "'left knee', 'knees', 'foot', 'back of the head')"
    )


#: Plain names of region ids that read badly with their underscores replaced.
_REGION_NAMES = {
    "head_front": "front of the head",
    "head_back": "back of the head",
    "head_side": "side of the head",
    "shoulder_girdle": "shoulder",
}


def region_words(region: str) -> str:
    """A region id in plain words, side first: `knee_left` → "left knee", `head_back` →
    "back of the head", `lower_back` → "lower back"."""
    stem, _, side = region.rpartition("_")
    if side in ("left", "right") and stem:
        return f"{side} {_REGION_NAMES.get(stem, stem.replace('_', ' '))}"
    return _REGION_NAMES.get(region, region.replace("_", " "))


def pain_type_id(word: str) -> str:
    """The pain type `word` names: a pain type ("Burning"), or a symptom word the knowledge
    base knows ("pins and needles" → `tingling`, "sharp pain" → `shooting`).

    ValueError with what is allowed otherwise.
    """
    key = _normalise(word)
    for candidate in (key, key.removesuffix(" pains"), key.removesuffix(" pain")):
        if candidate in PAIN_TYPES:
            return candidate
    from b12pain.clinical.vocabulary import resolve

    symptom = resolve("symptom", word)
    if symptom is not None:
        for candidate in (symptom, symptom.removesuffix("_pain")):
            if candidate in PAIN_TYPES:
                return candidate
    raise ValueError(
        f"one of {', '.join(PAIN_TYPES)} (or a word for one, such as 'pins and needles')"
    )
