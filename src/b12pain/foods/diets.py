"""Which USDA food groups fit which diet pattern (for "richest B12 sources for my diet").

A food classification, not a clinical rule: groups are the SR28 / FoodData Central SR Legacy food
group names. For vegans only fortified plant foods count: B12 in plant foods comes from
fortification (NIH ODS QuickFacts: "Plant foods have no vitamin B12 unless they are fortified").
"""

from __future__ import annotations

PLANT_GROUPS = (
    "Breakfast Cereals",
    "Beverages",
    "Legumes and Legume Products",
    "Vegetables and Vegetable Products",
    "Fruits and Fruit Juices",
    "Cereal Grains and Pasta",
    "Nut and Seed Products",
    "Spices and Herbs",
    "Baked Products",
    "Snacks",
    "Fats and Oils",
    "Plant Based Milk",  # FoodData Central branded categories
    "Cereal",
)
DAIRY_EGG_GROUPS = ("Dairy and Egg Products",)
FISH_GROUPS = ("Finfish and Shellfish Products",)

#: Diet pattern (CONTRACT.md `diet`) → allowed food groups; None means every group.
DIET_GROUPS: dict[str, tuple[str, ...] | None] = {
    "vegan": PLANT_GROUPS,
    "vegetarian": PLANT_GROUPS + DAIRY_EGG_GROUPS,
    "pescatarian": PLANT_GROUPS + DAIRY_EGG_GROUPS + FISH_GROUPS,
    "low_animal": None,
    "omnivore": None,
}

#: Diets whose only B12 sources are fortified foods.
FORTIFIED_ONLY = frozenset({"vegan"})
