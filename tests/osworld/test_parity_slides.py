"""Impress metrics and LibreOffice-settings metrics against the scores OSWorld's own code gives on the same inputs
(built here). Case format and ``OFFICIAL_ERROR``: tests/osworld/parity.py."""

from __future__ import annotations

import pytest

from tests.osworld.parity import OFFICIAL_ERROR, check_case, skip_without

W, H = 9144000, 6858000  # python-pptx's default 4:3 slide, EMU
BLUE = {"rgb": [0, 0, 255]}
DISSOLVE = "<p:transition><p:dissolve/></p:transition>"
ALTERNATE = (
    '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<mc:Choice xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main" Requires="p14">'
    '<p:transition spd="slow" p14:dur="2000"><p14:prism/></p:transition></mc:Choice>'
    "<mc:Fallback><p:transition><p:dissolve/></p:transition></mc:Fallback></mc:AlternateContent>"
)
DESKAT = 'xmlns:st="uri:deskat:state.at-spi.gnome.org" xmlns:cp="uri:deskat:component.at-spi.gnome.org"'
UBUNTU = (
    'xmlns:st="https://accessibility.ubuntu.example.org/ns/state" '
    'xmlns:cp="https://accessibility.ubuntu.example.org/ns/component"'
)


def deck(**spec) -> tuple:
    return ("deck", {"slides": spec.pop("slides", [{}]), **spec})


def tree(pane: str, ns: str = DESKAT, wrap=("<root-pane><panel>", "</panel></root-pane>")) -> str:
    return f"<desktop-frame {ns}>{wrap[0]}{pane}{wrap[1]}</desktop-frame>"


def xcu(*items: str) -> tuple:
    body = "".join(items)
    return (
        "file",
        "xcu",
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        f'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{body}'
        "</oor:items>",
    )


def item(path: str, prop: str, value: str | None, extra: str = "") -> str:
    inner = "" if value is None else f"<value>{value}</value>"
    return f'<item oor:path="{path}"><prop oor:name="{prop}" oor:op="fuse">{inner}</prop>{extra}</item>'


FONT = "/org.openoffice.Office.Writer/DefaultFont"
PRESENTER = "/org.openoffice.Office.Impress/Misc/Start"
AUTOSAVE = "/org.openoffice.Office.Common/Save/Document"
TNR = {"font_name": "Times New Roman"}

CASES = [
    # check_slide_orientation_Portrait -----------------------------------------------------------------------
    ("portrait-default", "check_slide_orientation_Portrait", deck(), None, {}, 0.0),
    ("portrait-a4", "check_slide_orientation_Portrait", deck(size=(6858000, 9144000)), None, {}, 1.0),
    ("portrait-square", "check_slide_orientation_Portrait", deck(size=(W, W)), None, {}, 0.0),
    ("portrait-narrow", "check_slide_orientation_Portrait", deck(size=(W - 1, W)), None, {}, 1.0),
    ("portrait-missing", "check_slide_orientation_Portrait", None, None, {}, 0.0),
    # evaluate_presentation_fill_to_rgb_distance -------------------------------------------------------------
    ("fill-blue", "evaluate_presentation_fill_to_rgb_distance", deck(backgrounds=["0000FF"]), BLUE, {}, 1.0),
    ("fill-red", "evaluate_presentation_fill_to_rgb_distance", deck(backgrounds=["FF0000"]), BLUE, {}, 0.183503419072),
    (
        "fill-mixed",
        "evaluate_presentation_fill_to_rgb_distance",
        deck(slides=[{}, {}, {}], backgrounds=["0000FF", "1010E0", None]),
        BLUE,
        {},
        0.637701281299,
    ),
    (
        "fill-master",
        "evaluate_presentation_fill_to_rgb_distance",
        deck(master="0000F0", backgrounds=["inherit"]),
        BLUE,
        {},
        0.966038219459,
    ),
    ("fill-default", "evaluate_presentation_fill_to_rgb_distance", deck(), BLUE, {}, 0.0),
    ("fill-pattern", "evaluate_presentation_fill_to_rgb_distance", deck(backgrounds=[None]), BLUE, {}, 0.0),
    # check_transition ---------------------------------------------------------------------------------------
    (
        "transition-dissolve",
        "check_transition",
        deck(transitions={0: DISSOLVE}),
        {"slide_idx": 0, "transition_type": "dissolve"},
        {},
        1.0,
    ),
    (
        "transition-other",
        "check_transition",
        deck(transitions={0: DISSOLVE}),
        {"slide_idx": 0, "transition_type": "fade"},
        {},
        0.0,
    ),
    ("transition-none", "check_transition", deck(), {"slide_idx": 0, "transition_type": "dissolve"}, {}, 0.0),
    ("transition-no-slide", "check_transition", deck(), {"slide_idx": 3, "transition_type": "dissolve"}, {}, 0.0),
    (
        "transition-alternate",
        "check_transition",
        deck(transitions={0: ALTERNATE}),
        {"slide_idx": 0, "transition_type": "dissolve"},
        {},
        0.0,
    ),
    (
        "transition-second",
        "check_transition",
        deck(slides=[{}, {}], transitions={1: DISSOLVE}),
        {"slide_idx": 1, "transition_type": "dissolve"},
        {},
        1.0,
    ),
    # check_page_number_colors -------------------------------------------------------------------------------
    ("numbers-red", "check_page_number_colors", deck(master_colors=["FF0000", "000000"]), {"color": "red"}, {}, 1.0),
    (
        "numbers-dark-red",
        "check_page_number_colors",
        deck(master_colors=["C00000", "000000"]),
        {"color": "red"},
        {},
        0.0,
    ),
    ("numbers-blue", "check_page_number_colors", deck(master_colors=["0000FF", "000000"]), {"color": "blue"}, {}, 0.0),
    (
        "numbers-green",
        "check_page_number_colors",
        deck(master_colors=["00FF00", "FFFFFF"]),
        {"color": "green"},
        {},
        1.0,
    ),
    (
        "numbers-black",
        "check_page_number_colors",
        deck(master_colors=["000000", "FF0000"]),
        {"color": "black"},
        {},
        1.0,
    ),
    (
        "numbers-other-name",
        "check_page_number_colors",
        deck(master_colors=["000000", "FF0000"]),
        {"color": "purple"},
        {},
        1.0,
    ),
    (
        "numbers-one-colour",
        "check_page_number_colors",
        deck(master_colors=["FF0000"]),
        {"color": "red"},
        {},
        OFFICIAL_ERROR,
    ),
    # check_image_stretch_and_center -------------------------------------------------------------------------
    (
        "stretch-full",
        "check_image_stretch_and_center",
        deck(picture=(0, 0, W, H)),
        deck(picture=(100, 100, 900, 900)),
        {},
        1.0,
    ),
    (
        "stretch-nearly",
        "check_image_stretch_and_center",
        deck(picture=(200000, 200000, W - 400000, H - 400000)),
        deck(picture=(100, 100, 900, 900)),
        {},
        1.0,
    ),
    (
        "stretch-half",
        "check_image_stretch_and_center",
        deck(picture=(W // 4, H // 4, W // 2, H // 2)),
        deck(picture=(1, 1, 9, 9)),
        {},
        0.0,
    ),
    (
        "stretch-shifted",
        "check_image_stretch_and_center",
        deck(picture=(600000, 0, W, H)),
        deck(picture=(1, 1, 9, 9)),
        {},
        0.0,
    ),
    ("stretch-lost", "check_image_stretch_and_center", deck(), deck(picture=(1, 1, 9, 9)), {}, OFFICIAL_ERROR),
    # check_left_panel ---------------------------------------------------------------------------------------
    (
        "panel-visible",
        "check_left_panel",
        tree('<split-pane cp:parentcoord="(0, 0)" st:visible="true"/>'),
        None,
        {},
        1.0,
    ),
    (
        "panel-elsewhere",
        "check_left_panel",
        tree('<split-pane cp:parentcoord="(10, 0)" st:visible="true"/>'),
        None,
        {},
        0.0,
    ),
    ("panel-hidden", "check_left_panel", tree('<split-pane cp:parentcoord="(0, 0)"/>'), None, {}, 0.0),
    (
        "panel-false",
        "check_left_panel",
        tree('<split-pane cp:parentcoord="(0, 0)" st:visible="false"/>'),
        None,
        {},
        1.0,
    ),
    (
        "panel-outside",
        "check_left_panel",
        tree('<split-pane cp:parentcoord="(0, 0)" st:visible="true"/>', wrap=("<root-pane>", "</root-pane>")),
        None,
        {},
        0.0,
    ),
    (
        "panel-ubuntu-ns",
        "check_left_panel",
        tree('<split-pane cp:parentcoord="(0, 0)" st:visible="true"/>', UBUNTU),
        None,
        {},
        0.0,
    ),
    # find_default_font --------------------------------------------------------------------------------------
    ("font-set", "find_default_font", xcu(item(FONT, "Standard", "Times New Roman")), TNR, {}, 1.0),
    ("font-other", "find_default_font", xcu(item(FONT, "Standard", "Liberation Serif")), TNR, {}, 0.0),
    (
        "font-last-wins",
        "find_default_font",
        xcu(item(FONT, "Standard", "Arial"), item(FONT, "Standard", "Times New Roman")),
        TNR,
        {},
        1.0,
    ),
    ("font-heading-only", "find_default_font", xcu(item(FONT, "Heading", "Times New Roman")), TNR, {}, 0.0),
    ("font-not-xml", "find_default_font", ("file", "xcu", "not xml"), TNR, {}, 0.0),
    ("font-missing", "find_default_font", None, TNR, {}, 0.0),
    # check_presenter_console_disable ------------------------------------------------------------------------
    (
        "presenter-off",
        "check_presenter_console_disable",
        xcu(item(PRESENTER, "EnablePresenterScreen", "false")),
        None,
        {},
        1.0,
    ),
    (
        "presenter-on",
        "check_presenter_console_disable",
        xcu(item(PRESENTER, "EnablePresenterScreen", "true")),
        None,
        {},
        0.0,
    ),
    (
        "presenter-case",
        "check_presenter_console_disable",
        xcu(item(PRESENTER, "EnablePresenterScreen", "False")),
        None,
        {},
        1.0,
    ),
    ("presenter-unset", "check_presenter_console_disable", xcu(item(FONT, "Standard", "x")), None, {}, 0.0),
    (
        "presenter-empty",
        "check_presenter_console_disable",
        xcu(item(PRESENTER, "EnablePresenterScreen", None)),
        None,
        {},
        0.0,
    ),
    (
        "presenter-first-wins",
        "check_presenter_console_disable",
        xcu(item(PRESENTER, "EnablePresenterScreen", "true"), item(PRESENTER, "EnablePresenterScreen", "false")),
        None,
        {},
        0.0,
    ),
    ("presenter-not-xml", "check_presenter_console_disable", ("file", "xcu", "<oor"), None, {}, 0.0),
    # check_auto_saving_time ---------------------------------------------------------------------------------
    (
        "autosave-3",
        "check_auto_saving_time",
        xcu(item(AUTOSAVE, "AutoSaveTimeIntervall", "3")),
        {"minutes": 3},
        {},
        1.0,
    ),
    (
        "autosave-10",
        "check_auto_saving_time",
        xcu(item(AUTOSAVE, "AutoSaveTimeIntervall", "10")),
        {"minutes": 3},
        {},
        0.0,
    ),
    ("autosave-unset", "check_auto_saving_time", xcu(item(AUTOSAVE, "CreateBackup", "true")), {"minutes": 3}, {}, 0.0),
    (
        "autosave-last-wins",
        "check_auto_saving_time",
        xcu(item(AUTOSAVE, "AutoSaveTimeIntervall", "3"), item(AUTOSAVE, "AutoSaveTimeIntervall", "5")),
        {"minutes": 3},
        {},
        0.0,
    ),
    ("autosave-not-xml", "check_auto_saving_time", ("file", "xcu", "oops"), {"minutes": 3}, {}, 0.0),
    (
        "autosave-word",
        "check_auto_saving_time",
        xcu(item(AUTOSAVE, "AutoSaveTimeIntervall", "three")),
        {"minutes": 3},
        {},
        OFFICIAL_ERROR,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_metric_matches_official_score(case, tmp_path):
    skip_without(case)
    check_case(case, tmp_path)
