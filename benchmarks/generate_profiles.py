"""Deterministic random profiles (CONTRACT.md shape) for throughput benchmarks.

Covers the branches that matter for speed: labs in every unit, medicines with durations,
symptoms including red flags, pregnancy, nitrous oxide.
"""

from __future__ import annotations

import random
from typing import Any

SYMPTOMS = [
    "tingling",
    "numbness",
    "burning",
    "shooting_pain",
    "muscle_weakness",
    "poor_balance",
    "fatigue",
    "pale_skin",
    "shortness_of_breath",
    "dizziness",
    "mouth_ulcers",
    "memory_problems",
    "confusion",
    "glossitis",
    "unsteady_gait",
    "depression",
]
RED_FLAGS = ["saddle_numbness", "urinary_retention", "thunderclap_headache", "fever"]
MEDICINES = ["metformin", "omeprazole", "lansoprazole", "famotidine", "colchicine", "pregabalin"]
CONDITIONS = [
    "type2_diabetes",
    "diabetic_neuropathy",
    "coeliac",
    "gastrectomy",
    "autoimmune_gastritis",
]
PAIN_TYPES = [
    "diabetic_neuropathy",
    "sciatica",
    "peripheral_neuropathy",
    "back_pain",
    "fibromyalgia",
    "migraine",
]
DIETS = ["omnivore", "pescatarian", "vegetarian", "vegan", "low_animal"]
LABS = [
    ("total_b12", "ng/L", 60, 900),
    ("total_b12", "pmol/L", 40, 650),
    ("total_b12", "pg/mL", 60, 900),
    ("active_b12", "pmol/L", 10, 120),
    ("mma", "umol/L", 0.1, 1.5),
    ("folate", "ug/L", 2, 20),
]


def generate_profile(rng: random.Random) -> dict[str, Any]:
    """One plausible adult profile as a plain dict (what a YAML file would hold)."""
    sex = rng.choice(["female", "male"])
    profile: dict[str, Any] = {
        "age": rng.randint(16, 95),
        "sex": sex,
        "pregnant": sex == "female" and rng.random() < 0.05,
        "diet": rng.choice(DIETS),
        "medications": [
            {"name": name, "duration": f"{rng.randint(1, 10)}y"}
            for name in rng.sample(MEDICINES, rng.randint(0, 2))
        ],
        "conditions": rng.sample(CONDITIONS, rng.randint(0, 2)),
        "nitrous_oxide": "recreational" if rng.random() < 0.03 else "none",
        "symptoms": rng.sample(SYMPTOMS, rng.randint(0, 4))
        + (rng.sample(RED_FLAGS, 1) if rng.random() < 0.05 else []),
        "pain": {"types": rng.sample(PAIN_TYPES, rng.randint(0, 2)), "nrs": rng.randint(0, 10)},
        "labs": [],
    }
    for test, unit, low, high in rng.sample(LABS, rng.randint(0, 3)):
        if not any(lab["test"] == test for lab in profile["labs"]):
            profile["labs"].append(
                {"test": test, "value": round(rng.uniform(low, high), 2), "unit": unit}
            )
    return profile


def generate_profiles(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """`count` profiles from a fixed seed, so every run measures the same work."""
    rng = random.Random(seed)
    return [generate_profile(rng) for _ in range(count)]
