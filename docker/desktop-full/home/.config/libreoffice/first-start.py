"""Turn off LibreOffice's first-start dialogs (tip of the day, what's new) in a fresh user profile."""

import sys

ITEMS = (
    ("/org.openoffice.Office.Common/Misc", "ShowTipOfTheDay", "false"),
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "false"),
    ("/org.openoffice.Setup/Office", "ooSetupInstCompleted", "true"),
)
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    text = f.read()
items = "".join(
    f'<item oor:path="{p}"><prop oor:name="{n}" oor:op="fuse"><value>{v}</value></prop></item>\n' for p, n, v in ITEMS
)
with open(path, "w", encoding="utf-8") as f:
    f.write(text.replace("</oor:items>", items + "</oor:items>"))
