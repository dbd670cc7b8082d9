"""The shipped recipes load, and the ALFWorld recipe of README.md is the learning demo's setting, so its SFT is the
demo's warm start and its RL run the demo's STEP run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_learning import ENV, RL, sft_settings
from trainers.config import TrainConfig, make_config

RECIPES = sorted((Path(__file__).resolve().parents[2] / "trainers" / "recipes").glob("*.toml"))


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_every_recipe_loads(path):
    cfg = make_config({}, str(path))
    assert isinstance(cfg, TrainConfig)


def test_the_alfworld_recipe_is_the_demos_setting():
    cfg = make_config({}, str(RECIPES[0].parent / "alfworld_tiny.toml")).to_dict()
    demo = {**sft_settings(ENV), **RL}
    demo.pop("micro_batch_size")  # the demo's RL micro-batches are larger; the maths of the update is the same
    assert {k: cfg[k] for k in demo} == demo
    assert cfg["micro_batch_size"] == TrainConfig.micro_batch_size  # the demo's SFT batch
    assert cfg["algo"] == "step" and cfg["eval_sets"] == "train"
