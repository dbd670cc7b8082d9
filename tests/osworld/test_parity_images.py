"""Image metrics (GIMP and image tasks) against the scores OSWorld's own code gives on the same files.

Inputs are drawn with Pillow (see :mod:`tests.osworld.image_inputs`): a scene, then the edit a task asks for
(darker, more saturated, more contrast, mirrored, resized, indexed colours ...) or a wrong one. ``"raises"`` marks
inputs on which the official code raises (the task then errors).
"""

from __future__ import annotations

import pytest

from steprl_envs.osworld.metrics import METRICS
from tests.osworld.image_inputs import materialize

for _module in ("PIL", "numpy", "skimage", "cv2", "pptx"):  # the osworld extra's image stack
    pytest.importorskip(_module)

ONE = object()  # the metric takes only the result


def img(**spec):
    return ("image", spec)


def edited(*edits, **spec):
    return ("image", {**spec, "edits": [list(e) for e in edits]})


BASE = img()
BIG = img(size=(96, 80))
OTHER = img(variant=3)
TRIANGLE = [[255, 220, 0], [[40, 14], [52, 34], [28, 34]]]
EMU = 914400
SLIDE_W, SLIDE_H = 12192000, 6858000

GIMPRC = (
    "# GIMP gimprc\n"
    "#\n"
    "\n"
    "(undo-levels 100)\n"
    '(theme "Light")\n'
    '(layer-new-name "Square")\n'
    "(default-image (width 1920) (height 1080) (unit pixels))\n"
)
ACTIONS = '# action-history\n\n(history-item "filters-vignette" 1)\n(history-item "image-flip" 3)\n'

# (id, metric, result, expected or rule or ONE, official score or "raises")
CASES = [
    # check_structure_sim ------------------------------------------------------------------------------------------
    ("ssim-same", "check_structure_sim", BASE, BASE, 1.0),
    ("ssim-light-blur", "check_structure_sim", edited(("blur", 0.6)), BASE, 1.0),
    ("ssim-other-scene", "check_structure_sim", OTHER, BASE, 0.0),
    ("ssim-tiny-brightness", "check_structure_sim", edited(("brightness", 1.02)), BASE, 1.0),
    ("ssim-other-size", "check_structure_sim", BIG, BASE, "raises"),
    ("ssim-none", "check_structure_sim", None, BASE, 0.0),
    ("ssim-rgba-vs-rgb", "check_structure_sim", img(mode="RGBA"), BASE, "raises"),
    # check_structure_sim_resized ----------------------------------------------------------------------------------
    ("resized-down", "check_structure_sim_resized", edited(("resize", (32, 24))), BASE, 1.0),
    ("resized-same", "check_structure_sim_resized", BASE, BASE, 1.0),
    ("resized-other", "check_structure_sim_resized", edited(("resize", (32, 24)), variant=3), BASE, 0.0),
    ("resized-up", "check_structure_sim_resized", BIG, BASE, 0.0),
    ("resized-mirror", "check_structure_sim_resized", edited(("mirror",), ("resize", (128, 96))), BASE, 0.0),
    ("resized-none", "check_structure_sim_resized", BASE, None, 0.0),
    # check_brightness_decrease_and_structure_sim ----------------------------------------------------------------------
    ("dark-ok", "check_brightness_decrease_and_structure_sim", edited(("brightness", 0.7)), BASE, 1.0),
    ("dark-brighter", "check_brightness_decrease_and_structure_sim", edited(("brightness", 1.3)), BASE, 0.0),
    ("dark-same", "check_brightness_decrease_and_structure_sim", BASE, BASE, 0.0),
    (
        "dark-other-scene",
        "check_brightness_decrease_and_structure_sim",
        edited(("brightness", 0.6), variant=3),
        BASE,
        1.0,
    ),
    ("dark-very", "check_brightness_decrease_and_structure_sim", edited(("brightness", 0.2)), BASE, 1.0),
    ("dark-black", "check_brightness_decrease_and_structure_sim", edited(("brightness", 0.0)), BASE, "raises"),
    ("dark-none", "check_brightness_decrease_and_structure_sim", None, BASE, 0.0),
    # check_saturation_increase_and_structure_sim ----------------------------------------------------------------------
    ("sat-ok", "check_saturation_increase_and_structure_sim", edited(("saturation", 1.2)), BASE, 1.0),
    ("sat-slight", "check_saturation_increase_and_structure_sim", edited(("saturation", 1.05)), BASE, 1.0),
    ("sat-half-more", "check_saturation_increase_and_structure_sim", edited(("saturation", 1.5)), BASE, 0.0),
    ("sat-less", "check_saturation_increase_and_structure_sim", edited(("saturation", 0.5)), BASE, 0.0),
    ("sat-same", "check_saturation_increase_and_structure_sim", BASE, BASE, 0.0),
    ("sat-other", "check_saturation_increase_and_structure_sim", edited(("saturation", 1.5), variant=3), BASE, 0.0),
    ("sat-strong", "check_saturation_increase_and_structure_sim", edited(("saturation", 3.0)), BASE, 0.0),
    ("sat-grey-source", "check_saturation_increase_and_structure_sim", BASE, img(mode="L"), 0.0),
    # check_contrast_increase_and_structure_sim ------------------------------------------------------------------------
    ("contrast-ok", "check_contrast_increase_and_structure_sim", edited(("contrast", 1.4)), BASE, 1.0),
    ("contrast-less", "check_contrast_increase_and_structure_sim", edited(("contrast", 0.6)), BASE, 0.0),
    ("contrast-same", "check_contrast_increase_and_structure_sim", BASE, BASE, 0.0),
    ("contrast-other", "check_contrast_increase_and_structure_sim", edited(("contrast", 1.4), variant=3), BASE, 0.0),
    ("contrast-huge", "check_contrast_increase_and_structure_sim", edited(("contrast", 4.0)), BASE, 0.0),
    ("contrast-none", "check_contrast_increase_and_structure_sim", BASE, None, 0.0),
    # check_file_exists_and_structure_sim ------------------------------------------------------------------------------
    ("export-ok", "check_file_exists_and_structure_sim", img(format="jpg"), img(format="jpg"), 1.0),
    ("export-missing", "check_file_exists_and_structure_sim", ("missing",), BASE, 0.0),
    ("export-reencoded", "check_file_exists_and_structure_sim", img(format="jpg", quality=40), BASE, 0.0),
    ("export-other", "check_file_exists_and_structure_sim", img(variant=3, format="jpg"), BASE, 0.0),
    ("export-none", "check_file_exists_and_structure_sim", None, BASE, 0.0),
    # check_palette_and_structure_sim ----------------------------------------------------------------------------------
    ("palette-ok", "check_palette_and_structure_sim", edited(("palette", 256)), BASE, 1.0),
    ("palette-rgb", "check_palette_and_structure_sim", BASE, BASE, 0.0),
    ("palette-other", "check_palette_and_structure_sim", edited(("palette", 256), variant=3), BASE, 0.0),
    ("palette-few-colours", "check_palette_and_structure_sim", edited(("palette", 4)), BASE, 0.0),
    ("palette-none", "check_palette_and_structure_sim", None, BASE, 0.0),
    ("palette-vs-rgba", "check_palette_and_structure_sim", edited(("palette", 256)), img(mode="RGBA"), "raises"),
    # check_image_mirror -----------------------------------------------------------------------------------------------
    ("mirror-ok", "check_image_mirror", edited(("mirror",)), BASE, 1.0),
    ("mirror-not", "check_image_mirror", BASE, BASE, 0.0),
    ("mirror-vertical", "check_image_mirror", edited(("flip",)), BASE, 0.0),
    (
        "mirror-symmetric",
        "check_image_mirror",
        img(background=(20, 120, 200), size=(10, 10)),
        img(background=(20, 120, 200), size=(10, 10)),
        1.0,
    ),
    ("mirror-darker", "check_image_mirror", edited(("mirror",), ("brightness", 0.8)), BASE, 0.0),
    ("mirror-none", "check_image_mirror", BASE, None, 0.0),
    # check_image_size -------------------------------------------------------------------------------------------------
    ("size-height", "check_image_size", edited(("resize", (60, 512))), {"height": 512}, 1.0),
    ("size-height-wrong", "check_image_size", BASE, {"height": 512}, 0.0),
    ("size-both", "check_image_size", edited(("resize", (128, 128))), {"height": 128, "width": 128}, 1.0),
    ("size-width-wrong", "check_image_size", edited(("resize", (127, 128))), {"height": 128, "width": 128}, 0.0),
    ("size-no-rule", "check_image_size", BASE, {}, 1.0),
    ("size-none", "check_image_size", None, {"height": 48}, 0.0),
    # check_image_file_size --------------------------------------------------------------------------------------------
    ("filesize-small", "check_image_file_size", img(format="jpg"), {"max_size": 600000}, 1.0),
    ("filesize-big", "check_image_file_size", img(size=(400, 300)), {"max_size": 1000}, 0.0),
    ("filesize-zero-limit", "check_image_file_size", BASE, {"max_size": 0}, 0.0),
    ("filesize-none", "check_image_file_size", None, {"max_size": 10}, 0.0),
    ("filesize-huge-limit", "check_image_file_size", BIG, {"max_size": 10**9}, 1.0),
    # compare_image_list -----------------------------------------------------------------------------------------------
    ("list-same", "compare_image_list", [BASE, OTHER], [BASE, OTHER], 1.0),
    ("list-one-differs", "compare_image_list", [BASE, BASE], [BASE, OTHER], 0.0),
    ("list-single-paths", "compare_image_list", BASE, BASE, 1.0),
    ("list-none-inside", "compare_image_list", [BASE, None], [BASE, BASE], 0.0),
    ("list-one-pixel", "compare_image_list", edited(("brightness", 1.01)), BASE, 0.0),
    ("list-shorter", "compare_image_list", [BASE], [BASE, OTHER], 1.0),
    # compare_images (the SSIM itself) ---------------------------------------------------------------------------------
    ("cmp-same", "compare_images", BASE, BASE, 1.0),
    ("cmp-other", "compare_images", OTHER, BASE, 0.6276291217762987),
    ("cmp-sizes", "compare_images", BIG, BASE, 0.7957803671804758),
    ("cmp-order", "compare_images", edited(("resize", (30, 90))), edited(("resize", (40, 20))), 0.9818672610864415),
    ("cmp-jpeg", "compare_images", img(format="jpg", quality=30), BASE, 0.9538881658857654),
    ("cmp-none", "compare_images", None, BASE, 0.0),
    # check_triangle_position ------------------------------------------------------------------------------------------
    (
        "triangle-centre",
        "check_triangle_position",
        edited(("polygon", TRIANGLE), background=(255, 255, 255), size=(80, 48)),
        ONE,
        1.0,
    ),
    (
        "triangle-corner",
        "check_triangle_position",
        edited(("polygon", [[255, 220, 0], [[2, 2], [14, 2], [2, 14]]]), background=(255, 255, 255), size=(80, 48)),
        ONE,
        1.0,
    ),
    ("triangle-scene", "check_triangle_position", BASE, ONE, 0.0),
    ("triangle-flat", "check_triangle_position", img(background=(255, 255, 255), size=(20, 20)), ONE, "raises"),
    ("triangle-grey", "check_triangle_position", img(mode="L"), ONE, "raises"),
    ("triangle-none", "check_triangle_position", None, ONE, 0.0),
    # check_textbox_on_leftside ----------------------------------------------------------------------------------------
    (
        "textbox-left",
        "check_textbox_on_leftside",
        edited(("text", 1), background=(250, 250, 250), size=(100, 30)),
        ONE,
        1.0,
    ),
    (
        "textbox-right",
        "check_textbox_on_leftside",
        edited(("text", 60), background=(250, 250, 250), size=(100, 30)),
        ONE,
        0.0,
    ),
    (
        "textbox-edge",
        "check_textbox_on_leftside",
        edited(("text", 5), background=(250, 250, 250), size=(100, 30)),
        ONE,
        0.0,
    ),
    ("textbox-blank", "check_textbox_on_leftside", img(background=(250, 250, 250), size=(50, 30)), ONE, 0.0),
    ("textbox-dark-page", "check_textbox_on_leftside", img(background=(5, 5, 5), size=(50, 30)), ONE, 1.0),
    ("textbox-none", "check_textbox_on_leftside", None, ONE, 0.0),
    # check_green_background -------------------------------------------------------------------------------------------
    (
        "green-ok",
        "check_green_background",
        img(background=(10, 200, 10), size=(32, 32)),
        img(background=(255, 255, 255), size=(32, 32)),
        1.0,
    ),
    (
        "green-white",
        "check_green_background",
        img(background=(250, 250, 250), size=(32, 32)),
        img(background=(255, 255, 255), size=(32, 32)),
        0.0,
    ),
    (
        "green-black-target",
        "check_green_background",
        img(background=(250, 0, 0), size=(32, 32)),
        img(background=(0, 0, 0), size=(32, 32)),
        1.0,
    ),
    (
        "green-object",
        "check_green_background",
        edited(("polygon", [[0, 0, 0], [[4, 4], [20, 4], [4, 20]]]), background=(0, 180, 0), size=(32, 32)),
        edited(("polygon", [[0, 0, 0], [[4, 4], [20, 4], [4, 20]]]), background=(255, 255, 255), size=(32, 32)),
        1.0,
    ),
    (
        "green-wide",
        "check_green_background",
        img(background=(10, 200, 10), size=(40, 30)),
        img(background=(255, 255, 255), size=(40, 30)),
        "raises",
    ),
    (
        "green-tall-fails-first",
        "check_green_background",
        img(background=(250, 250, 250), size=(30, 40)),
        img(background=(255, 255, 255), size=(30, 40)),
        0.0,
    ),
    (
        "green-rgba",
        "check_green_background",
        img(background=(10, 200, 10), size=(16, 16), mode="RGBA"),
        img(background=(255, 255, 255), size=(16, 16), mode="RGBA"),
        1.0,
    ),
    # check_sharper ----------------------------------------------------------------------------------------------------
    ("sharper-ok", "check_sharper", edited(("sharpen", 200)), BASE, 1.0),
    ("sharper-blur", "check_sharper", edited(("blur", 1.0)), BASE, 0.0),
    ("sharper-same", "check_sharper", BASE, BASE, 0.0),
    ("sharper-flat", "check_sharper", img(background=(9, 9, 9)), BASE, 0.0),
    ("sharper-vs-flat", "check_sharper", BASE, img(background=(9, 9, 9)), 1.0),
    # check_image_stretch_and_center -----------------------------------------------------------------------------------
    ("stretch-ok", "check_image_stretch_and_center", ("deck", {"box": [0, 0, SLIDE_W, SLIDE_H]}), ("deck", {}), 1.0),
    ("stretch-not", "check_image_stretch_and_center", ("deck", {}), ("deck", {}), 0.0),
    (
        "stretch-near",
        "check_image_stretch_and_center",
        ("deck", {"box": [EMU // 5, EMU // 5, SLIDE_W - EMU // 3, SLIDE_H - EMU // 3]}),
        ("deck", {}),
        1.0,
    ),
    (
        "stretch-off-centre",
        "check_image_stretch_and_center",
        ("deck", {"box": [EMU, 0, SLIDE_W - EMU // 4, SLIDE_H]}),
        ("deck", {}),
        0.0,
    ),
    (
        "stretch-other-picture",
        "check_image_stretch_and_center",
        ("deck", {"box": [0, 0, SLIDE_W, SLIDE_H], "variant": 3}),
        ("deck", {}),
        "raises",
    ),
    # check_config_status (GIMP's gimprc, sessionrc, action-history) ---------------------------------------------------
    (
        "config-undo",
        "check_config_status",
        ("text", GIMPRC),
        {"type:": "key-value", "key": "undo-levels", "value": "100"},
        1.0,
    ),
    ("config-theme", "check_config_status", ("text", GIMPRC), {"key": "theme", "value": '"Dark"'}, 0.0),
    ("config-quoted", "check_config_status", ("text", GIMPRC), {"key": "layer-new-name", "value": '"Square"'}, 1.0),
    (
        "config-pair",
        "check_config_status",
        ("text", ACTIONS),
        {"key": ["history-item", '"filters-vignette"'], "value": "1"},
        1.0,
    ),
    (
        "config-pair-count",
        "check_config_status",
        ("text", ACTIONS),
        {"key": ["history-item", '"image-flip"'], "value": "1"},
        0.0,
    ),
    (
        "config-nested-last-word",
        "check_config_status",
        ("text", GIMPRC),
        {"key": "default-image", "value": "pixels)"},
        0.0,
    ),
    (
        "config-nested-stripped",
        "check_config_status",
        ("text", GIMPRC),
        {"key": "default-image", "value": "pixels"},
        1.0,
    ),
    (
        "config-blank-spaces",
        "check_config_status",
        ("text", "  \n(undo-levels 5)\n"),
        {"key": "undo-levels", "value": "5"},
        "raises",
    ),
    ("config-none", "check_config_status", None, {"key": "theme", "value": "x"}, 0.0),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_image_metrics_match_official(case, tmp_path):
    _, name, result, expected, official = case
    metric = METRICS.get(name)
    result = materialize(result, tmp_path, "result")
    args = (result,) if expected is ONE else (result, materialize(expected, tmp_path, "expected"))
    if official == "raises":
        with pytest.raises(Exception):  # noqa: B017 (the official code raises several kinds here)
            metric(*args)
    else:
        assert metric(*args) == pytest.approx(official, abs=1e-12)


def test_corpus_covers_each_metric_five_times():
    names = [c[1] for c in CASES]
    for name in set(names):
        assert names.count(name) >= 5, name


def test_gimp_config_file_getter_reads_the_desktop_home(tmp_path):
    from steprl_envs.osworld.evaluate import evaluate
    from steprl_envs.osworld.getters import GETTERS
    from tests.osworld.fakes import FakeClient, context

    gimprc = "/tmp/fakehome/.config/GIMP/2.10/gimprc"
    ctx = context(tmp_path, client=FakeClient(files={gimprc: GIMPRC.encode()}))
    getter = GETTERS.get("gimp_config_file")
    local = getter(ctx, {"type": "gimp_config_file", "file_name": "gimprc", "dest": "gimprc"})
    assert local.startswith(ctx.cache_dir) and open(local).read() == GIMPRC
    assert getter(ctx, {"file_name": "sessionrc", "dest": "sessionrc"}) is None
    with pytest.raises(ValueError, match="file name"):
        getter(ctx, {"file_name": "../../.ssh/id_rsa", "dest": "x"})
    evaluator = {
        "func": "check_config_status",
        "result": {"type": "gimp_config_file", "file_name": "gimprc", "dest": "gimprc"},
        "expected": {"type": "rule", "rules": {"type:": "key-value", "key": "undo-levels", "value": "100"}},
    }
    assert evaluate(ctx, evaluator, agent_failed=False) == 1.0
    evaluator["expected"]["rules"]["value"] = "5"
    assert evaluate(ctx, evaluator, agent_failed=False) == 0.0
    evaluator["result"]["file_name"] = "sessionrc"  # not written yet: scored 0
    assert evaluate(ctx, evaluator, agent_failed=False) == 0.0
