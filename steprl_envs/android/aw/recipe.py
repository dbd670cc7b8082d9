"""Broccoli (``task_evals/single/recipe.py``): ``/data/data/com.flauschcode.broccoli/databases/broccoli``,
table ``recipes``; set up and checked as the other one-table apps (:mod:`.records`)."""

from __future__ import annotations

import random

from ..sim.markor import MARKOR_DIR
from ..sim.records import RecipeApp
from .common import clear_dir, create_file
from .records import _Add, _Delete, _DeleteDuplicates, as_text, unique

RECIPE_TITLES = (
    "Lemon Garlic Pasta",
    "Spicy Bean Chili",
    "Mushroom Risotto",
    "Greek Salad Bowl",
    "Banana Oat Pancakes",
    "Tomato Basil Soup",
    "Chickpea Curry",
    "Veggie Stir Fry",
    "Baked Salmon",
    "Berry Smoothie",
    "Pumpkin Bread",
    "Egg Fried Rice",
    "Caprese Sandwich",
    "Lentil Stew",
    "Apple Crumble",
    "Pesto Gnocchi",
)
RECIPE_DESCRIPTIONS = (
    "A quick weeknight favourite.",
    "Hearty and warming.",
    "Light and fresh.",
    "Great for meal prep.",
    "Kid friendly.",
    "Perfect for a lazy Sunday.",
)
INGREDIENTS = ("garlic", "onion", "tomato", "butter", "rice", "spinach", "lemon", "cheese", "beans", "ginger")
PREP_TIMES = ("10 mins", "20 mins", "30 mins", "45 mins", "1 hrs")
SERVINGS = ("1 serving", "2 servings", "4 servings", "6 servings")
SOURCES = ("", "grandma", "cookbook", "family recipe")


def gen_recipe(rng: random.Random) -> dict:
    used = rng.sample(INGREDIENTS, 3)
    return {
        "title": rng.choice(RECIPE_TITLES),
        "description": rng.choice(RECIPE_DESCRIPTIONS),
        "servings": rng.choice(SERVINGS),
        "preparationTime": rng.choice(PREP_TIMES),
        "source": rng.choice(SOURCES),
        "ingredients": ", ".join(used),
        "directions": f"Cook the {used[0]} with the {used[1]}, then add the {used[2]} and serve.",
        "favorite": 0,
        "imageName": "",
    }


# -- Broccoli ------------------------------------------------------------------------------------------------------
RECIPE_FIELDS = ["title", "description", "servings", "preparationTime", "ingredients", "directions"]


class _Recipe:
    app = "recipe"
    app_names = ("broccoli",)
    sim_app = RecipeApp
    title_col = "title"
    gen = staticmethod(gen_recipe)


class _RecipeDelete(_Recipe, _Delete):
    @property
    def goal(self):
        titles = ", ".join(r["title"] for r in self.params["rows"])
        return f"Delete the following recipes from Broccoli app: {titles}."

    @classmethod
    def generate_random_params(cls, rng):
        titles: set[str] = set()
        rows = unique(rng, cls.gen, cls.n_rows_noise)
        titles = {r["title"] for r in rows}
        targets = unique(rng, cls.gen, cls.n_rows, keep=lambda r: r["title"] not in titles)
        return {"rows": targets, "noise": rows}


class RecipeDeleteSingleRecipe(_RecipeDelete):
    complexity, n_rows, n_rows_noise = 1.0, 1, 0


class RecipeDeleteSingleWithRecipeWithNoise(_RecipeDelete):
    complexity, n_rows, n_rows_noise = 2.0, 1, 29


class RecipeDeleteMultipleRecipes(_RecipeDelete):
    complexity, n_rows, n_rows_noise = 2.4, 3, 0


class RecipeDeleteMultipleRecipesWithNoise(_RecipeDelete):
    complexity, n_rows, n_rows_noise = 3.4, 3, 29


class RecipeDeleteMultipleRecipesWithConstraint(_RecipeDelete):
    complexity, n_rows, n_rows_noise = 4.0, 3, 29

    @property
    def goal(self):
        return f"Delete the recipes from Broccoli app that use {self.params['ingredient']} in the directions."

    @classmethod
    def generate_random_params(cls, rng):
        ingredient = rng.choice(INGREDIENTS)
        noise = unique(rng, cls.gen, cls.n_rows_noise, keep=lambda r: ingredient not in r["directions"].lower())
        targets = unique(rng, cls.gen, cls.n_rows, keep=lambda r: ingredient in r["directions"].lower())
        return {"rows": targets, "noise": noise, "ingredient": ingredient}


class RecipeDeleteDuplicateRecipes(_Recipe, _DeleteDuplicates):
    complexity, n_rows, n_rows_noise = 1.0, 1, 5
    template = (
        "Delete all but one of any recipes in the Broccoli app that are exact duplicates, ensuring at least one "
        "instance of each unique recipe remains"
    )


class RecipeDeleteDuplicateRecipes2(RecipeDeleteDuplicateRecipes):
    """Noise shares the duplicate's title (other fields differ)."""

    complexity, n_rows, n_rows_noise = 2.4, 1, 10

    @classmethod
    def generate_random_params(cls, rng):
        noise = unique(rng, cls.gen, 7)
        target = noise.pop()
        noise += unique(
            rng, cls.gen, cls.n_rows_noise - 6, keep=lambda r: r["title"] == target["title"], avoid=[target]
        )
        return {"rows": [target, dict(target)], "noise": noise}


class RecipeDeleteDuplicateRecipes3(RecipeDeleteDuplicateRecipes):
    """More noise, some with the duplicate's title and description: the list has to be scrolled."""

    complexity, n_rows, n_rows_noise = 3.4, 1, 30

    @classmethod
    def generate_random_params(cls, rng):
        noise = unique(rng, cls.gen, 22)
        target = noise.pop()
        same = lambda r: r["title"] == target["title"] and r["description"] == target["description"]  # noqa: E731
        noise += unique(rng, cls.gen, cls.n_rows_noise - 21, keep=same, avoid=noise + [target])
        return {"rows": [target, dict(target)], "noise": noise}


class _RecipeAdd(_Recipe, _Add):
    compare = ("title", "description", "servings", "preparationTime", "source", "ingredients", "directions", "favorite")
    free = ("title", "description", "servings", "preparationTime", "source", "ingredients", "directions")

    @property
    def goal(self):
        text = as_text(self.params["rows"], RECIPE_FIELDS, self.params["text_format"], "title", "Recipe")
        return f"Add the following recipes into the Broccoli app:\n{text}"


class RecipeAddSingleRecipe(_RecipeAdd):
    complexity, n_rows, n_rows_noise = 2.4, 1, 10


class RecipeAddMultipleRecipes(_RecipeAdd):
    complexity, n_rows, n_rows_noise = 6.0, 3, 10


class RecipeAddMultipleRecipesFromMarkor(_RecipeAdd):
    complexity, n_rows, n_rows_noise = 6.0, 3, 10
    app_names = ("broccoli", "markor")
    template = "Add the recipes from recipes.txt in Markor to the Broccoli recipe app."

    @property
    def goal(self):
        return self.template

    def file_rows(self) -> list[dict]:
        return self.params["rows"]

    def add_files(self, dev):
        clear_dir(dev, MARKOR_DIR)
        text = as_text(self.file_rows(), RECIPE_FIELDS, self.params["text_format"], "title", "Recipe")
        create_file(dev, MARKOR_DIR, "recipes.txt", text)

    def tear_down(self, dev):
        clear_dir(dev, MARKOR_DIR)
        super().tear_down(dev)


class RecipeAddMultipleRecipesFromMarkor2(RecipeAddMultipleRecipesFromMarkor):
    """Only the recipes with one preparation time, among 40 others in the note."""

    complexity, n_rows, n_rows_noise = 6.0, 3, 40
    template = (
        "Add the recipes from recipes.txt in Markor that take {prep_time} to prepare into the Broccoli recipe app."
    )

    @property
    def goal(self):
        return self.template.format(**self.params)

    @classmethod
    def generate_random_params(cls, rng):
        prep = rng.choice(PREP_TIMES)
        rows = unique(rng, cls.gen, cls.n_rows, keep=lambda r: r["preparationTime"] == prep)
        noise = unique(rng, cls.gen, cls.n_rows_noise, keep=lambda r: r["preparationTime"] != prep)
        return {"rows": rows, "noise": noise, "text_format": rng.choice(("csv", "text_block")), "prep_time": prep}

    def file_rows(self):
        rows = self.params["rows"] + self.params["noise"]
        random.shuffle(rows)
        return rows


TASKS = (
    RecipeDeleteSingleRecipe,
    RecipeDeleteSingleWithRecipeWithNoise,
    RecipeDeleteMultipleRecipes,
    RecipeDeleteMultipleRecipesWithNoise,
    RecipeDeleteMultipleRecipesWithConstraint,
    RecipeDeleteDuplicateRecipes,
    RecipeDeleteDuplicateRecipes2,
    RecipeDeleteDuplicateRecipes3,
    RecipeAddSingleRecipe,
    RecipeAddMultipleRecipes,
    RecipeAddMultipleRecipesFromMarkor,
    RecipeAddMultipleRecipesFromMarkor2,
)
